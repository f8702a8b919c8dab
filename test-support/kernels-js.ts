// Selects the scalar TypeScript kernels for a whole test project (read at first use).
process.env['BKFAC_KERNELS'] = 'js';
