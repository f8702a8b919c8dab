// Runs a whole test project on the WebAssembly kernels split over two threads (read at first use).
process.env['BKFAC_KERNELS'] = 'wasm';
process.env['BKFAC_THREADS'] = '2';
