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
 * `y[yo + r] += Σ_c A(r, c)·x[xo + c]` (`y += A·x`) for the column-major
 * `rows x cols` `A` at `a[ao + r + c·lda]`; four columns per pass share each
 * load and store of `y`.
 * @internal
 */
export function addProduct(
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
    const dy = (yo - b0) | 0;
    const end = (b0 + rows) | 0;
    const x0 = x[xo + c]!;
    const x1 = x[xo + c + 1]!;
    const x2 = x[xo + c + 2]!;
    const x3 = x[xo + c + 3]!;
    for (let q = b0; q < end; q = (q + 1) | 0) {
      const iy = (q + dy) | 0;
      y[iy] =
        y[iy]! + a[q]! * x0 + a[(q + d1) | 0]! * x1 + a[(q + d2) | 0]! * x2 + a[(q + d3) | 0]! * x3;
    }
  }
  for (; c < cols; c++) {
    const b0 = ao + c * lda;
    const xc = x[xo + c]!;
    for (let r = 0; r < rows; r++) y[yo + r]! += a[b0 + r]! * xc;
  }
}

/**
 * `out[oo + r] −= a[ao + r]·ca + b[bo + r]·cb` for `r < len`.
 * @internal
 */
export function subtractTwo(
  len: number,
  out: Float64Array,
  oo: number,
  a: Float64Array,
  ao: number,
  ca: number,
  b: Float64Array,
  bo: number,
  cb: number,
): void {
  for (let r = 0; r < len; r++) out[oo + r]! -= a[ao + r]! * ca + b[bo + r]! * cb;
}

/**
 * `dots[i] = Σ_r x[xo + r]·a[ao + r]` and `dots[j] = Σ_r x[xo + r]·b[bo + r]` over `r < len`.
 * @internal
 */
export function dotTwo(
  len: number,
  x: Float64Array,
  xo: number,
  a: Float64Array,
  ao: number,
  b: Float64Array,
  bo: number,
  dots: Float64Array,
  i: number,
  j: number,
): void {
  let sa = 0;
  let sb = 0;
  for (let r = 0; r < len; r++) {
    const v = x[xo + r]!;
    sa += a[ao + r]! * v;
    sb += b[bo + r]! * v;
  }
  dots[i] = sa;
  dots[j] = sb;
}

/**
 * `x[o + r] *= factor` for `r < len`.
 * @internal
 */
export function scale(len: number, x: Float64Array, o: number, factor: number): void {
  for (let r = 0; r < len; r++) x[o + r]! *= factor;
}
