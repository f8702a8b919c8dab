/**
 * Unit-stride kernels over columns of column-major panels, shared by the
 * blocked tridiagonal and bidiagonal reductions. Each is a small function so
 * V8 optimizes it early (a long loop inside a rarely called function runs
 * unoptimized and boxes every intermediate double).
 * @module
 */

/**
 * `y[yo + c] = Σ_r A(r, c)·x[xo + r]` (`Aᵀx`) for the column-major `rows x cols`
 * `A` at `a[ao + r + c·lda]`; four columns per pass share each load of `x`.
 * @internal
 */
export function transposedProduct(
  rows: number,
  cols: number,
  a: Float64Array,
  ao: number,
  lda: number,
  x: Float64Array,
  xo: number,
  y: Float64Array,
  yo: number,
): void {
  const d1 = lda | 0;
  const d2 = (2 * lda) | 0;
  const d3 = (3 * lda) | 0;
  let c = 0;
  for (; c + 3 < cols; c += 4) {
    const b0 = (ao + c * lda) | 0;
    const dx = (xo - b0) | 0;
    const end = (b0 + rows) | 0;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let q = b0; q < end; q = (q + 1) | 0) {
      const xv = x[(q + dx) | 0]!;
      s0 += a[q]! * xv;
      s1 += a[(q + d1) | 0]! * xv;
      s2 += a[(q + d2) | 0]! * xv;
      s3 += a[(q + d3) | 0]! * xv;
    }
    y[yo + c] = s0;
    y[yo + c + 1] = s1;
    y[yo + c + 2] = s2;
    y[yo + c + 3] = s3;
  }
  for (; c < cols; c++) {
    const b0 = ao + c * lda;
    let s = 0;
    for (let r = 0; r < rows; r++) s += a[b0 + r]! * x[xo + r]!;
    y[yo + c] = s;
  }
}

/**
 * `y[yo + r] += Σ_c A(r, c)·(alpha·x[xo + c])` (`y += alpha·A·x`) for the column-major
 * `rows x cols` `A` at `a[ao + r + c·lda]`; four columns per pass share each
 * load and store of `y`.
 * @internal
 */
export function addProduct(
  rows: number,
  cols: number,
  alpha: number,
  a: Float64Array,
  ao: number,
  lda: number,
  x: Float64Array,
  xo: number,
  y: Float64Array,
  yo: number,
): void {
  const d1 = lda | 0;
  const d2 = (2 * lda) | 0;
  const d3 = (3 * lda) | 0;
  let c = 0;
  for (; c + 3 < cols; c += 4) {
    const b0 = (ao + c * lda) | 0;
    const dy = (yo - b0) | 0;
    const end = (b0 + rows) | 0;
    const x0 = alpha * x[xo + c]!;
    const x1 = alpha * x[xo + c + 1]!;
    const x2 = alpha * x[xo + c + 2]!;
    const x3 = alpha * x[xo + c + 3]!;
    for (let q = b0; q < end; q = (q + 1) | 0) {
      const iy = (q + dy) | 0;
      y[iy] =
        y[iy]! + a[q]! * x0 + a[(q + d1) | 0]! * x1 + a[(q + d2) | 0]! * x2 + a[(q + d3) | 0]! * x3;
    }
  }
  for (; c < cols; c++) {
    const b0 = ao + c * lda;
    const xc = alpha * x[xo + c]!;
    for (let r = 0; r < rows; r++) y[yo + r]! += a[b0 + r]! * xc;
  }
}

/**
 * `x[o + r] *= factor` for `r < len`.
 * @internal
 */
export function scale(len: number, x: Float64Array, o: number, factor: number): void {
  for (let r = 0; r < len; r++) x[o + r]! *= factor;
}

/**
 * `y[yo .. yo+m) = A·x[xo .. xo+m)` for the symmetric `m x m` `A` whose
 * lower triangle is stored column-major at `a[ao + i + j·lda]`. Four columns
 * per pass, so each loaded `y[i]` and `x[i]` serves eight multiply-adds.
 */
export function symvLower(
  m: number,
  a: Float64Array,
  ao: number,
  lda: number,
  x: Float64Array,
  xo: number,
  y: Float64Array,
  yo: number,
): void {
  y.fill(0, yo, yo + m);
  let j = 0;
  for (; j + 3 < m; j += 4) {
    const b0 = ao + j * lda;
    const b1 = b0 + lda;
    const b2 = b1 + lda;
    const b3 = b2 + lda;
    const x0 = x[xo + j]!;
    const x1 = x[xo + j + 1]!;
    const x2 = x[xo + j + 2]!;
    const x3 = x[xo + j + 3]!;
    const a10 = a[b0 + j + 1]!;
    const a20 = a[b0 + j + 2]!;
    const a30 = a[b0 + j + 3]!;
    const a21 = a[b1 + j + 2]!;
    const a31 = a[b1 + j + 3]!;
    const a32 = a[b2 + j + 3]!;
    let s0 = a[b0 + j]! * x0 + a10 * x1 + a20 * x2 + a30 * x3;
    let s1 = a10 * x0 + a[b1 + j + 1]! * x1 + a21 * x2 + a31 * x3;
    let s2 = a20 * x0 + a21 * x1 + a[b2 + j + 2]! * x2 + a32 * x3;
    let s3 = a30 * x0 + a31 * x1 + a32 * x2 + a[b3 + j + 3]! * x3;
    // One running index q over column j; the other operands at fixed int32 distances.
    const d1 = lda | 0;
    const d2 = (2 * lda) | 0;
    const d3 = (3 * lda) | 0;
    const dx = (xo - b0) | 0;
    const dy = (yo - b0) | 0;
    const end = (b0 + m) | 0;
    for (let q = (b0 + j + 4) | 0; q < end; q = (q + 1) | 0) {
      const c0 = a[q]!;
      const c1 = a[(q + d1) | 0]!;
      const c2 = a[(q + d2) | 0]!;
      const c3 = a[(q + d3) | 0]!;
      const xi = x[(q + dx) | 0]!;
      const iy = (q + dy) | 0;
      y[iy] = y[iy]! + c0 * x0 + c1 * x1 + c2 * x2 + c3 * x3;
      s0 += c0 * xi;
      s1 += c1 * xi;
      s2 += c2 * xi;
      s3 += c3 * xi;
    }
    y[yo + j]! += s0;
    y[yo + j + 1]! += s1;
    y[yo + j + 2]! += s2;
    y[yo + j + 3]! += s3;
  }
  for (; j < m; j++) {
    const b0 = ao + j * lda;
    const xj = x[xo + j]!;
    let s = a[b0 + j]! * xj;
    for (let i = j + 1; i < m; i++) {
      const c0 = a[b0 + i]!;
      y[yo + i]! += c0 * xj;
      s += c0 * x[xo + i]!;
    }
    y[yo + j]! += s;
  }
}
