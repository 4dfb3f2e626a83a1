using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Axon.Kernels;

/// <summary>
/// The three matrix products that training a dense layer needs, on row-major float32 spans.
/// Shapes are given as <c>m, n, k</c> with <c>C</c> always <c>[m, n]</c> and written, not accumulated.
/// </summary>
/// <remarks>
/// <para>
/// Every output element is <c>C[i,j] = Σ_p A(i,p)·B(p,j)</c>, summed as one fused multiply-add chain
/// over <c>p = 0 … k-1</c> in ascending order starting from zero. Cache blocking, packing and the
/// register tile only decide where the running sum lives between steps (a register or <c>C</c>
/// itself, both exact float32), never the order of the additions, so the result of an element
/// does not depend on the block sizes nor on how the output is split between workers. The one
/// exception is <see cref="MultiplyTransposedB"/> with fewer than <see cref="SmallRows"/> rows
/// (batch-1 inference), which sums 8 interleaved lanes and then the lanes in a fixed tree: still
/// the same bits on every call and for any split of <c>n</c>, but it may differ in the last bits
/// from the same row computed inside a larger batch.
/// </para>
/// <para>
/// Kernels: a 6×16 register tile of AVX2 FMAs, or an 8×32 tile of AVX-512 FMAs where the CPU has
/// AVX-512F (twice the flops per instruction), or a portable <see cref="Vector128"/> tile. All of
/// them run the same chain per element, so an AVX2 and an AVX-512 machine give the same bits; the
/// portable tile does too wherever the hardware fuses multiply-add, and uses a separate multiply
/// and add (still deterministic, different last bits) where it does not.
/// </para>
/// <para>
/// Small shapes skip the packing: one row (<c>m = 1</c>) of <c>A·B</c> or <c>Aᵀ·B</c> runs a GEMV
/// that streams <c>B</c> once; a few rows of <c>A·Bᵀ</c> take dot products in place.
/// </para>
/// <para>
/// The hot path allocates nothing: packing buffers are per thread, allocated once on first use
/// and reused. <c>C</c> must not overlap <c>A</c>, <c>B</c> or the bias.
/// </para>
/// </remarks>
public static unsafe class Gemm
{
    /// <summary>
    /// Below this many rows, <c>A·Bᵀ</c> takes dot products against <c>B</c>'s rows in place,
    /// because transposing <c>B</c> into panels would cost more than the product itself.
    /// </summary>
    internal const int SmallRows = 4;

    private const int Mr = 6;
    private const int Nr = 16;
    // kc·Nr·4 B = 16 KB of AVX2 B micro-panel (32 KB for AVX-512's 32 columns) stays in L1d
    // while the A rows stream from L2.
    private const int KcMax = 256;
    // A multiple of both tile heights. Mc·kc·4 B ≈ 144 KB of A block in the 512 KB L2, leaving room for a 256 KB B block.
    private const int McMax = 144;
    private const int NcMax = 256;
    private const int Mr512 = 8;
    private const int Nr512 = 32;

    /// <summary>Which kernels run: chosen once from the CPU, or forced by tests.</summary>
    internal enum Isa
    {
        /// <summary><see cref="Vector128"/> multiply-adds, any CPU.</summary>
        Portable,
        /// <summary>6×16 tiles of ymm FMAs.</summary>
        Avx2,
        /// <summary>8×32 tiles of zmm FMAs: twice the flops per instruction where the CPU has AVX-512.</summary>
        Avx512,
    }

    private static readonly Isa s_isa =
        Avx2.IsSupported && Fma.IsSupported ? (Avx512F.IsSupported ? Isa.Avx512 : Isa.Avx2) : Isa.Portable;

    /// <summary>The kernels this CPU runs.</summary>
    internal static Isa Best => s_isa;

    internal enum Op
    {
        /// <summary>A(i,p) = a[i·k + p], B(p,j) = b[j·k + p].</summary>
        TransposedB,
        /// <summary>A(i,p) = a[i·k + p], B(p,j) = b[p·n + j].</summary>
        Normal,
        /// <summary>A(i,p) = a[p·m + i], B(p,j) = b[p·n + j].</summary>
        TransposedA,
    }

    /// <summary>
    /// <c>C[m,n] = A[m,k] · B[n,k]ᵀ</c>, that is <c>C[i,j] = Σ_p A[i,p]·B[j,p]</c>: the forward product
    /// <c>X·Wᵀ</c> (weights stored <c>[out, in]</c>).
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than the shape needs, or a size is negative.</exception>
    public static void MultiplyTransposedB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k)
        => MultiplyTransposedBBias(a, b, default, c, m, n, k);

    /// <summary>
    /// <c>C[m,n] = A[m,k] · B[n,k]ᵀ + bias</c>, that is <c>C[i,j] = (Σ_p A[i,p]·B[j,p]) + bias[j]</c>,
    /// the bias (length <c>n</c>) broadcast over rows and added once after the sum; an empty bias
    /// adds nothing. The forward product of a dense layer with its bias fused into the epilogue.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than the shape needs, or a size is negative.</exception>
    public static void MultiplyTransposedBBias(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, int m, int n, int k)
        => Product(Op.TransposedB, a, b, bias, c, m, n, k, s_isa);

    /// <summary>
    /// <c>C[m,n] = A[m,k] · B[k,n]</c>, that is <c>C[i,j] = Σ_p A[i,p]·B[p,j]</c>: the input gradient <c>dZ·W</c>.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than the shape needs, or a size is negative.</exception>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k)
        => Product(Op.Normal, a, b, default, c, m, n, k, s_isa);

    /// <summary>
    /// <c>C[m,n] = A[k,m]ᵀ · B[k,n]</c>, that is <c>C[i,j] = Σ_p A[p,i]·B[p,j]</c>: the weight gradient <c>dZᵀ·X</c>.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than the shape needs, or a size is negative.</exception>
    public static void MultiplyTransposedA(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k)
        => Product(Op.TransposedA, a, b, default, c, m, n, k, s_isa);

    /// <summary>
    /// The common entry: checks, then runs <paramref name="op"/> with the kernels of
    /// <paramref name="isa"/>, which must not be above <see cref="Best"/>. Tests call it to cover
    /// every path the CPU can run.
    /// </summary>
    internal static void Product(Op op, ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, int m, int n, int k, Isa isa, bool relu = false)
    {
        if (isa > s_isa) throw new PlatformNotSupportedException($"This CPU cannot run the {isa} kernels.");
        bool avx = isa != Isa.Portable;
        if (m < 0) throw new ArgumentOutOfRangeException(nameof(m), m, "Sizes cannot be negative.");
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "Sizes cannot be negative.");
        if (k < 0) throw new ArgumentOutOfRangeException(nameof(k), k, "Sizes cannot be negative.");
        Check(a.Length, (long)m * k, b.Length, (long)n * k, c.Length, (long)m * n);
        if (!bias.IsEmpty && bias.Length < n)
            throw new ArgumentException($"The bias has {bias.Length} values, the product needs {n}.", nameof(bias));
        if (m == 0 || n == 0)
            return;

        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pbias = bias)
        fixed (float* pc = c)
        {
            float* biasOrNull = bias.IsEmpty ? null : pbias;
            if (k == 0)
                FillBias(pc, biasOrNull, m, n);
            else if (avx && op == Op.TransposedB && m < SmallRows)
                DotRows(pa, pb, biasOrNull, pc, m, n, k);
            else if (avx && op != Op.TransposedB && m == 1)
                Gemv(pa, pb, pc, n, k, isa == Isa.Avx512);
            else
            {
                Blocked(op, pa, pb, biasOrNull, pc, m, n, k, isa, n, n, relu);
                return;
            }
            // The small paths write a few rows only; clamp them in one pass.
            if (relu) ReluRows(pc, m, n, n);
        }
    }

    private static void Check(int aLength, long aNeeded, int bLength, long bNeeded, int cLength, long cNeeded)
    {
        if (aLength < aNeeded) throw new ArgumentException($"A has {aLength} values, the product needs {aNeeded}.", "a");
        if (bLength < bNeeded) throw new ArgumentException($"B has {bLength} values, the product needs {bNeeded}.", "b");
        if (cLength < cNeeded) throw new ArgumentException($"C has {cLength} values, the product needs {cNeeded}.", "c");
    }

    private static void FillBias(float* c, float* bias, int m, int n)
    {
        for (int i = 0; i < m; i++)
        {
            var row = new Span<float>(c + (nint)i * n, n);
            if (bias == null) row.Clear();
            else new ReadOnlySpan<float>(bias, n).CopyTo(row);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Blocked, packed path (Goto/BLIS loop nest): k-blocks ▸ n-blocks ▸ m-blocks ▸ 16-column
    // micro-panels of B ▸ 6-row micro-panels of A ▸ 6×16 register tile.
    // ---------------------------------------------------------------------------------------

    /// <summary>
    /// Columns <c>[j0, j0 + cols)</c> of <c>C = A·Bᵀ + bias</c> (<c>C</c> has <paramref name="ldc"/> floats per row),
    /// for a product split by output columns: each element is the same FMA chain as in the whole
    /// product, so the values are bitwise those of <see cref="MultiplyTransposedBBias"/>. Needs
    /// <c>m ≥ SmallRows</c> and <c>k &gt; 0</c> (the whole product takes another path otherwise).
    /// </summary>
    internal static void TransposedBColumns(float* a, float* b, float* bias, float* c, int m, int k, int j0, int cols, int ldc, bool relu)
    {
        if (m < SmallRows || k == 0 || s_isa == Isa.Portable)
            throw new InvalidOperationException("TransposedBColumns needs the blocked path: m ≥ SmallRows, k > 0 and AVX2.");
        Blocked(Op.TransposedB, a, b + (nint)j0 * k, bias == null ? null : bias + j0, c + j0, m, cols, k, s_isa, ldc, ldc, relu);
    }

    /// <summary>
    /// Columns <c>[j0, j0 + cols)</c> of <c>C[m, n] = A[m, k]·B[k, n]</c> (<see cref="Multiply"/>), for a product split by
    /// output columns: each element is the same FMA chain as in the whole product, so the values are bitwise those
    /// of <see cref="Multiply"/>. Needs <c>m ≥ 2</c> (one row takes the GEMV path), <c>k &gt; 0</c> and AVX2.
    /// </summary>
    internal static void NormalColumns(float* a, float* b, float* c, int m, int k, int j0, int cols, int n)
    {
        if (m < 2 || k == 0 || s_isa == Isa.Portable)
            throw new InvalidOperationException("NormalColumns needs the blocked path: m ≥ 2, k > 0 and AVX2.");
        Blocked(Op.Normal, a, b + j0, null, c + j0, m, cols, k, s_isa, n, n, relu: false);
    }

    /// <summary>
    /// <c>C = max(0, A·Bᵀ + bias)</c>: <see cref="MultiplyTransposedBBias"/> with a ReLU epilogue, applied to
    /// each register tile before its last k-block is stored (the portable tile: right after, while the tile is
    /// still in L1), instead of a separate pass over <c>C</c>. The clamp is IEEE 754 maximum (Vector512/256.Max),
    /// bitwise <c>TensorPrimitives.Max(z, 0)</c>: NaN stays NaN, −0 becomes +0. In registers it made a two-thread
    /// mlp-784-128-10 step 1-3 % faster than a <c>TensorPrimitives.Max</c> per tile row (alternating <c>scaling</c> runs).
    /// </summary>
    internal static void MultiplyTransposedBBiasRelu(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, int m, int n, int k)
        => Product(Op.TransposedB, a, b, bias, c, m, n, k, s_isa, relu: true);

    private static void ReluRows(float* c, int rows, int cols, nint ldc)
    {
        for (int r = 0; r < rows; r++)
        {
            var row = new Span<float>(c + r * ldc, cols);
            System.Numerics.Tensors.TensorPrimitives.Max(row, 0f, row);
        }
    }

    // ldc: floats per row of C; ldb: floats per row of B where B is stored [k, n] (Normal, TransposedA), so a
    // column block of a wider product can be computed in place.
    private static void Blocked(Op op, float* a, float* b, float* bias, float* c, int m, int n, int k, Isa isa, int ldc, int ldb, bool relu = false)
    {
        // A narrow output (a 10-class head) would fill a third of a 32-wide AVX-512 tile and
        // half of a 16-wide one: the AVX2 tile wastes less, and gives the same bits.
        if (isa == Isa.Avx512 && n <= Nr)
            isa = Isa.Avx2;
        int mr = isa == Isa.Avx512 ? Mr512 : Mr;
        int nr = isa == Isa.Avx512 ? Nr512 : Nr;
        // Even k-blocks (784 → 4 × 196, not 3 × 256 + 16) so no block is too short to amortise
        // the tile's load and store of C; multiples of 8 keep the transposing pack vectorised.
        int kBlocks = (k + KcMax - 1) / KcMax;
        int kc = Math.Min(KcMax, ((k + kBlocks - 1) / kBlocks + 7) & ~7);
        int mBlocks = (m + McMax - 1) / McMax;
        int mc = Math.Min(McMax, ((m + mBlocks - 1) / mBlocks + mr - 1) / mr * mr);
        // With a single m-block each B micro-panel is used by one sweep of A only: pack it just in
        // time into one L1-resident slot. With several, pack a kc×nc block once and reuse it.
        bool singleIc = mBlocks == 1;
        int nc = singleIc ? n : NcMax;
        // A packing is needed only where A(i,·) is strided in p (A stored [k, m]) and there is more
        // than one micro-panel to reuse it; row-major A is read in place, as mr sequential streams.
        bool packA = op == Op.TransposedA && m > mr;
        // When all of A fits one register tile each B element is used once: read B in place
        // unless it must be transposed or the panel is ragged.
        bool bInPlaceOk = op != Op.TransposedB && m <= mr;

        var scratch = Scratch.Current;
        float* aBuf = scratch.A;
        float* bBuf = scratch.B;

        for (int p0 = 0; p0 < k; p0 += kc)
        {
            int kcCur = Math.Min(kc, k - p0);
            bool accumulate = p0 != 0;
            bool lastBlock = p0 + kcCur == k;
            float* epilogueBias = lastBlock ? bias : null;
            bool epilogueRelu = relu && lastBlock;
            for (int j0 = 0; j0 < n; j0 += nc)
            {
                int ncCur = Math.Min(nc, n - j0);
                for (int i0 = 0; i0 < m; i0 += mc)
                {
                    int mcCur = Math.Min(mc, m - i0);
                    if (packA)
                        PackATransposed(a, aBuf, m, i0, mcCur, p0, kcCur, mr);
                    for (int jr = 0; jr < ncCur; jr += nr)
                    {
                        int j = j0 + jr;
                        int cols = Math.Min(nr, ncCur - jr);
                        float* bp;
                        nint bStep;
                        if (bInPlaceOk && cols == nr)
                        {
                            bp = b + (nint)p0 * ldb + j;
                            bStep = ldb;
                        }
                        else
                        {
                            bp = singleIc ? bBuf : bBuf + (nint)(jr / nr) * kcCur * nr;
                            bStep = nr;
                            if (singleIc || i0 == 0)
                            {
                                if (op == Op.TransposedB) PackBTransposed(b, bp, k, j, cols, p0, kcCur, nr, isa != Isa.Portable);
                                else PackB(b, bp, ldb, j, cols, p0, kcCur, nr);
                            }
                        }

                        float* biasJ = epilogueBias == null ? null : epilogueBias + j;
                        for (int ir = 0; ir < mcCur; ir += mr)
                        {
                            int i = i0 + ir;
                            int rows = Math.Min(mr, mcCur - ir);
                            float* ap;
                            nint aRow, aStep;
                            if (packA) { ap = aBuf + (nint)ir * kcCur; aRow = 1; aStep = mr; }
                            else if (op == Op.TransposedA) { ap = a + (nint)p0 * m + i; aRow = 1; aStep = m; }
                            else { ap = a + (nint)i * k + p0; aRow = k; aStep = 1; }
                            float* ct = c + (nint)i * ldc + j;
                            // The vector tiles clamp a ReLU in registers before their store; the portable tile in a pass over its rows.
                            if (isa == Isa.Avx512) Tile512Staged(scratch, rows, ap, aRow, aStep, bp, bStep, kcCur, ct, ldc, cols, accumulate, biasJ, epilogueRelu);
                            else if (isa == Isa.Avx2) TileAvx(rows, ap, aRow, aStep, bp, bStep, kcCur, ct, ldc, cols, accumulate, biasJ, epilogueRelu);
                            else
                            {
                                TilePortable(rows, ap, aRow, aStep, bp, bStep, kcCur, ct, ldc, cols, accumulate, biasJ);
                                if (epilogueRelu) ReluRows(ct, rows, cols, ldc);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>Packs A(i0.., p0..) from A stored [k, m] into mr-row panels, element (r, p) at panel[p·mr + r].</summary>
    private static void PackATransposed(float* a, float* dst, int m, int i0, int rows, int p0, int kc, int mr)
    {
        for (int ir = 0; ir < rows; ir += mr)
        {
            int r = Math.Min(mr, rows - ir);
            float* src = a + (nint)p0 * m + i0 + ir;
            float* d = dst + (nint)ir * kc;
            if (r == 8)
            {
                for (int p = 0; p < kc; p++, src += m, d += 8)
                {
                    Vector128.Store(Vector128.Load(src), d);
                    Vector128.Store(Vector128.Load(src + 4), d + 4);
                }
            }
            else if (r == 6)
            {
                for (int p = 0; p < kc; p++, src += m, d += mr)
                {
                    Vector128.Store(Vector128.Load(src), d);
                    d[4] = src[4];
                    d[5] = src[5];
                }
            }
            else
            {
                for (int p = 0; p < kc; p++, src += m, d += mr)
                    for (int q = 0; q < r; q++)
                        d[q] = src[q];
            }
        }
    }

    /// <summary>Packs B(p0.., j..j+cols) from B stored [k, n] into an nr-wide panel, zero-padded past <paramref name="cols"/>.</summary>
    private static void PackB(float* b, float* dst, int n, int j, int cols, int p0, int kc, int nr)
    {
        float* src = b + (nint)p0 * n + j;
        if (cols == nr)
        {
            // Whole-panel-row copies: with 4-float copies the pack cost a fifth of the product
            // at batch 32.
            if (nr == Nr512 && Vector512.IsHardwareAccelerated)
            {
                for (int p = 0; p < kc; p++, src += n, dst += nr)
                {
                    Vector512.Store(Vector512.Load(src), dst);
                    Vector512.Store(Vector512.Load(src + 16), dst + 16);
                }
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                for (int p = 0; p < kc; p++, src += n, dst += nr)
                    for (int q = 0; q < nr; q += 8)
                        Vector256.Store(Vector256.Load(src + q), dst + q);
            }
            else
            {
                for (int p = 0; p < kc; p++, src += n, dst += nr)
                    for (int q = 0; q < nr; q += 4)
                        Vector128.Store(Vector128.Load(src + q), dst + q);
            }
            return;
        }
        for (int p = 0; p < kc; p++, src += n, dst += nr)
        {
            int q = 0;
            for (; q < cols; q++) dst[q] = src[q];
            for (; q < nr; q++) dst[q] = 0f;
        }
    }

    /// <summary>
    /// Packs B(p0.., j..j+cols) from B stored [n, k] (so B(p, j) = b[j·k + p]) into an nr-wide
    /// panel: a transpose, done in 8×8 register blocks when the CPU has AVX.
    /// </summary>
    private static void PackBTransposed(float* b, float* dst, int k, int j, int cols, int p0, int kc, int nr, bool avx)
    {
        int p = 0;
        if (avx && cols == nr)
        {
            for (; p + 8 <= kc; p += 8)
            {
                for (int h = 0; h < nr; h += 8)
                {
                    float* s = b + (nint)(j + h) * k + p0 + p;
                    Transpose8x8Store(s, k, dst + (nint)p * nr + h, nr);
                }
            }
        }
        for (; p < kc; p++)
        {
            float* s = b + (nint)j * k + p0 + p;
            float* d = dst + (nint)p * nr;
            int q = 0;
            for (; q < cols; q++) d[q] = s[(nint)q * k];
            for (; q < nr; q++) d[q] = 0f;
        }
    }

    /// <summary>Reads 8 rows of 8 floats (row stride <paramref name="stride"/>) and writes their transpose as 8 rows of 8 at stride <paramref name="dStride"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8Store(float* s, nint stride, float* d, nint dStride)
    {
        var r0 = Avx.LoadVector256(s);
        var r1 = Avx.LoadVector256(s + stride);
        var r2 = Avx.LoadVector256(s + 2 * stride);
        var r3 = Avx.LoadVector256(s + 3 * stride);
        var r4 = Avx.LoadVector256(s + 4 * stride);
        var r5 = Avx.LoadVector256(s + 5 * stride);
        var r6 = Avx.LoadVector256(s + 6 * stride);
        var r7 = Avx.LoadVector256(s + 7 * stride);
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0x44);
        var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44);
        var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44);
        var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44);
        var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(d + 0 * dStride, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(d + 1 * dStride, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(d + 2 * dStride, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(d + 3 * dStride, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(d + 4 * dStride, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(d + 5 * dStride, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(d + 6 * dStride, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(d + 7 * dStride, Avx.Permute2x128(u3, u7, 0x31));
    }

    // ---------------------------------------------------------------------------------------
    // Register tiles. Element (r, p) of A is at a[r·aRow + p·aStep]; row p of the B panel is the
    // 16 floats at b + p·bStep. The tile is rows × 16 of C, of which the first cols are stored.
    // ---------------------------------------------------------------------------------------

    private interface IRows { static abstract int Value { get; } }
    private struct R1 : IRows { public static int Value => 1; }
    private struct R2 : IRows { public static int Value => 2; }
    private struct R3 : IRows { public static int Value => 3; }
    private struct R4 : IRows { public static int Value => 4; }
    private struct R5 : IRows { public static int Value => 5; }
    private struct R6 : IRows { public static int Value => 6; }
    private struct R7 : IRows { public static int Value => 7; }
    private struct R8 : IRows { public static int Value => 8; }

    private static void TileAvx(int rows, float* a, nint aRow, nint aStep, float* b, nint bStep, int kc, float* c, nint ldc, int cols, bool accumulate, float* bias, bool relu)
    {
        switch (rows)
        {
            case 6: TileAvx<R6>(a, aRow, aStep, b, bStep, kc, c, ldc, cols, accumulate, bias, relu); break;
            case 5: TileAvx<R5>(a, aRow, aStep, b, bStep, kc, c, ldc, cols, accumulate, bias, relu); break;
            case 4: TileAvx<R4>(a, aRow, aStep, b, bStep, kc, c, ldc, cols, accumulate, bias, relu); break;
            case 3: TileAvx<R3>(a, aRow, aStep, b, bStep, kc, c, ldc, cols, accumulate, bias, relu); break;
            case 2: TileAvx<R2>(a, aRow, aStep, b, bStep, kc, c, ldc, cols, accumulate, bias, relu); break;
            default: TileAvx<R1>(a, aRow, aStep, b, bStep, kc, c, ldc, cols, accumulate, bias, relu); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ColumnMask(int cols, int offset)
        => Vector256.LessThan(Vector256.Create(offset) + Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(cols)).AsSingle();

    /// <summary>
    /// The 6×16 AVX2 tile: 12 ymm accumulators, two B loads and one broadcast of A per row per
    /// step, 12 FMAs per step. <typeparamref name="TRows"/> is a constant, so the rows below it
    /// and their accumulators vanish from the compiled code.
    /// </summary>
    private static void TileAvx<TRows>(float* a, nint aRow, nint aStep, float* b, nint bStep, int kc, float* c, nint ldc, int cols, bool accumulate, float* bias, bool relu)
        where TRows : struct, IRows
    {
        int rows = TRows.Value;
        Vector256<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = Vector256<float>.Zero;
        bool full = cols == Nr;
        Vector256<float> m0 = default, m1 = default;
        if (!full) { m0 = ColumnMask(cols, 0); m1 = ColumnMask(cols, 8); }
        if (accumulate)
        {
            if (full)
            {
                c00 = Avx.LoadVector256(c); c01 = Avx.LoadVector256(c + 8);
                if (rows > 1) { c10 = Avx.LoadVector256(c + ldc); c11 = Avx.LoadVector256(c + ldc + 8); }
                if (rows > 2) { c20 = Avx.LoadVector256(c + 2 * ldc); c21 = Avx.LoadVector256(c + 2 * ldc + 8); }
                if (rows > 3) { c30 = Avx.LoadVector256(c + 3 * ldc); c31 = Avx.LoadVector256(c + 3 * ldc + 8); }
                if (rows > 4) { c40 = Avx.LoadVector256(c + 4 * ldc); c41 = Avx.LoadVector256(c + 4 * ldc + 8); }
                if (rows > 5) { c50 = Avx.LoadVector256(c + 5 * ldc); c51 = Avx.LoadVector256(c + 5 * ldc + 8); }
            }
            else
            {
                c00 = Avx.MaskLoad(c, m0); c01 = Avx.MaskLoad(c + 8, m1);
                if (rows > 1) { c10 = Avx.MaskLoad(c + ldc, m0); c11 = Avx.MaskLoad(c + ldc + 8, m1); }
                if (rows > 2) { c20 = Avx.MaskLoad(c + 2 * ldc, m0); c21 = Avx.MaskLoad(c + 2 * ldc + 8, m1); }
                if (rows > 3) { c30 = Avx.MaskLoad(c + 3 * ldc, m0); c31 = Avx.MaskLoad(c + 3 * ldc + 8, m1); }
                if (rows > 4) { c40 = Avx.MaskLoad(c + 4 * ldc, m0); c41 = Avx.MaskLoad(c + 4 * ldc + 8, m1); }
                if (rows > 5) { c50 = Avx.MaskLoad(c + 5 * ldc, m0); c51 = Avx.MaskLoad(c + 5 * ldc + 8, m1); }
            }
        }

        nint o1 = aRow, o2 = 2 * aRow, o3 = 3 * aRow, o4 = 4 * aRow, o5 = 5 * aRow;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Avx.LoadVector256(b);
            var b1 = Avx.LoadVector256(b + 8);
            var av = Avx.BroadcastScalarToVector256(a);
            c00 = Fma.MultiplyAdd(av, b0, c00); c01 = Fma.MultiplyAdd(av, b1, c01);
            if (rows > 1) { av = Avx.BroadcastScalarToVector256(a + o1); c10 = Fma.MultiplyAdd(av, b0, c10); c11 = Fma.MultiplyAdd(av, b1, c11); }
            if (rows > 2) { av = Avx.BroadcastScalarToVector256(a + o2); c20 = Fma.MultiplyAdd(av, b0, c20); c21 = Fma.MultiplyAdd(av, b1, c21); }
            if (rows > 3) { av = Avx.BroadcastScalarToVector256(a + o3); c30 = Fma.MultiplyAdd(av, b0, c30); c31 = Fma.MultiplyAdd(av, b1, c31); }
            if (rows > 4) { av = Avx.BroadcastScalarToVector256(a + o4); c40 = Fma.MultiplyAdd(av, b0, c40); c41 = Fma.MultiplyAdd(av, b1, c41); }
            if (rows > 5) { av = Avx.BroadcastScalarToVector256(a + o5); c50 = Fma.MultiplyAdd(av, b0, c50); c51 = Fma.MultiplyAdd(av, b1, c51); }
            a += aStep;
            b += bStep;
        }

        if (bias != null)
        {
            Vector256<float> bb0, bb1;
            if (full) { bb0 = Avx.LoadVector256(bias); bb1 = Avx.LoadVector256(bias + 8); }
            else { bb0 = Avx.MaskLoad(bias, m0); bb1 = Avx.MaskLoad(bias + 8, m1); }
            c00 += bb0; c01 += bb1; c10 += bb0; c11 += bb1; c20 += bb0; c21 += bb1;
            c30 += bb0; c31 += bb1; c40 += bb0; c41 += bb1; c50 += bb0; c51 += bb1;
        }

        if (relu)
        {
            var zero = Vector256<float>.Zero;
            c00 = Vector256.Max(c00, zero); c01 = Vector256.Max(c01, zero); c10 = Vector256.Max(c10, zero); c11 = Vector256.Max(c11, zero);
            c20 = Vector256.Max(c20, zero); c21 = Vector256.Max(c21, zero); c30 = Vector256.Max(c30, zero); c31 = Vector256.Max(c31, zero);
            c40 = Vector256.Max(c40, zero); c41 = Vector256.Max(c41, zero); c50 = Vector256.Max(c50, zero); c51 = Vector256.Max(c51, zero);
        }

        if (full)
        {
            Avx.Store(c, c00); Avx.Store(c + 8, c01);
            if (rows > 1) { Avx.Store(c + ldc, c10); Avx.Store(c + ldc + 8, c11); }
            if (rows > 2) { Avx.Store(c + 2 * ldc, c20); Avx.Store(c + 2 * ldc + 8, c21); }
            if (rows > 3) { Avx.Store(c + 3 * ldc, c30); Avx.Store(c + 3 * ldc + 8, c31); }
            if (rows > 4) { Avx.Store(c + 4 * ldc, c40); Avx.Store(c + 4 * ldc + 8, c41); }
            if (rows > 5) { Avx.Store(c + 5 * ldc, c50); Avx.Store(c + 5 * ldc + 8, c51); }
        }
        else
        {
            Avx.MaskStore(c, m0, c00); Avx.MaskStore(c + 8, m1, c01);
            if (rows > 1) { Avx.MaskStore(c + ldc, m0, c10); Avx.MaskStore(c + ldc + 8, m1, c11); }
            if (rows > 2) { Avx.MaskStore(c + 2 * ldc, m0, c20); Avx.MaskStore(c + 2 * ldc + 8, m1, c21); }
            if (rows > 3) { Avx.MaskStore(c + 3 * ldc, m0, c30); Avx.MaskStore(c + 3 * ldc + 8, m1, c31); }
            if (rows > 4) { Avx.MaskStore(c + 4 * ldc, m0, c40); Avx.MaskStore(c + 4 * ldc + 8, m1, c41); }
            if (rows > 5) { Avx.MaskStore(c + 5 * ldc, m0, c50); Avx.MaskStore(c + 5 * ldc + 8, m1, c51); }
        }
    }

    /// <summary>
    /// Runs <see cref="Tile512"/> on a ragged tile (fewer than 32 columns) through a 32-wide
    /// staging tile, so the full-width vector loads and stores never touch C past its last column.
    /// </summary>
    private static void Tile512Staged(Scratch scratch, int rows, float* a, nint aRow, nint aStep, float* b, nint bStep, int kc, float* c, nint ldc, int cols, bool accumulate, float* bias, bool relu)
    {
        if (cols == Nr512)
        {
            Tile512(rows, a, aRow, aStep, b, bStep, kc, c, ldc, accumulate, bias, relu);
            return;
        }
        float* t = scratch.Stage;
        if (accumulate)
            for (int r = 0; r < rows; r++)
                new ReadOnlySpan<float>(c + r * ldc, cols).CopyTo(new Span<float>(t + r * Nr512, cols));
        float* tb = null;
        if (bias != null)
        {
            tb = scratch.StageBias;
            new Span<float>(tb, Nr512).Clear();
            new ReadOnlySpan<float>(bias, cols).CopyTo(new Span<float>(tb, cols));
        }
        Tile512(rows, a, aRow, aStep, b, bStep, kc, t, Nr512, accumulate, tb, relu);
        for (int r = 0; r < rows; r++)
            new ReadOnlySpan<float>(t + r * Nr512, cols).CopyTo(new Span<float>(c + r * ldc, cols));
    }

    private static void Tile512(int rows, float* a, nint aRow, nint aStep, float* b, nint bStep, int kc, float* c, nint ldc, bool accumulate, float* bias, bool relu)
    {
        switch (rows)
        {
            case 8: Tile512<R8>(a, aRow, aStep, b, bStep, kc, c, ldc, accumulate, bias, relu); break;
            case 7: Tile512<R7>(a, aRow, aStep, b, bStep, kc, c, ldc, accumulate, bias, relu); break;
            case 6: Tile512<R6>(a, aRow, aStep, b, bStep, kc, c, ldc, accumulate, bias, relu); break;
            case 5: Tile512<R5>(a, aRow, aStep, b, bStep, kc, c, ldc, accumulate, bias, relu); break;
            case 4: Tile512<R4>(a, aRow, aStep, b, bStep, kc, c, ldc, accumulate, bias, relu); break;
            case 3: Tile512<R3>(a, aRow, aStep, b, bStep, kc, c, ldc, accumulate, bias, relu); break;
            case 2: Tile512<R2>(a, aRow, aStep, b, bStep, kc, c, ldc, accumulate, bias, relu); break;
            default: Tile512<R1>(a, aRow, aStep, b, bStep, kc, c, ldc, accumulate, bias, relu); break;
        }
    }

    /// <summary>
    /// The 8×32 AVX-512 tile: 16 zmm accumulators, two B loads and one broadcast of A per row per
    /// step, 16 FMAs per step; always 32 columns wide (see <see cref="Tile512Staged"/>). Each
    /// element is the same ascending FMA chain as in <see cref="TileAvx"/>, so the bits match.
    /// </summary>
    private static void Tile512<TRows>(float* a, nint aRow, nint aStep, float* b, nint bStep, int kc, float* c, nint ldc, bool accumulate, float* bias, bool relu)
        where TRows : struct, IRows
    {
        int rows = TRows.Value;
        Vector512<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = c60 = c61 = c70 = c71 = Vector512<float>.Zero;
        if (accumulate)
        {
            c00 = Vector512.Load(c + 0 * ldc); c01 = Vector512.Load(c + 0 * ldc + 16);
            if (rows > 1) { c10 = Vector512.Load(c + 1 * ldc); c11 = Vector512.Load(c + 1 * ldc + 16); }
            if (rows > 2) { c20 = Vector512.Load(c + 2 * ldc); c21 = Vector512.Load(c + 2 * ldc + 16); }
            if (rows > 3) { c30 = Vector512.Load(c + 3 * ldc); c31 = Vector512.Load(c + 3 * ldc + 16); }
            if (rows > 4) { c40 = Vector512.Load(c + 4 * ldc); c41 = Vector512.Load(c + 4 * ldc + 16); }
            if (rows > 5) { c50 = Vector512.Load(c + 5 * ldc); c51 = Vector512.Load(c + 5 * ldc + 16); }
            if (rows > 6) { c60 = Vector512.Load(c + 6 * ldc); c61 = Vector512.Load(c + 6 * ldc + 16); }
            if (rows > 7) { c70 = Vector512.Load(c + 7 * ldc); c71 = Vector512.Load(c + 7 * ldc + 16); }
        }

        // Rows 4-7 are addressed from a second base so the eight rows need only three offsets
        // in general registers.
        nint o1 = aRow, o2 = 2 * aRow, o3 = 3 * aRow;
        float* a4 = a + 4 * aRow;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var av = Vector512.Create(*(a)); c00 = Avx512F.FusedMultiplyAdd(av, b0, c00); c01 = Avx512F.FusedMultiplyAdd(av, b1, c01);
            if (rows > 1) { av = Vector512.Create(*(a + o1)); c10 = Avx512F.FusedMultiplyAdd(av, b0, c10); c11 = Avx512F.FusedMultiplyAdd(av, b1, c11); }
            if (rows > 2) { av = Vector512.Create(*(a + o2)); c20 = Avx512F.FusedMultiplyAdd(av, b0, c20); c21 = Avx512F.FusedMultiplyAdd(av, b1, c21); }
            if (rows > 3) { av = Vector512.Create(*(a + o3)); c30 = Avx512F.FusedMultiplyAdd(av, b0, c30); c31 = Avx512F.FusedMultiplyAdd(av, b1, c31); }
            if (rows > 4) { av = Vector512.Create(*(a4)); c40 = Avx512F.FusedMultiplyAdd(av, b0, c40); c41 = Avx512F.FusedMultiplyAdd(av, b1, c41); }
            if (rows > 5) { av = Vector512.Create(*(a4 + o1)); c50 = Avx512F.FusedMultiplyAdd(av, b0, c50); c51 = Avx512F.FusedMultiplyAdd(av, b1, c51); }
            if (rows > 6) { av = Vector512.Create(*(a4 + o2)); c60 = Avx512F.FusedMultiplyAdd(av, b0, c60); c61 = Avx512F.FusedMultiplyAdd(av, b1, c61); }
            if (rows > 7) { av = Vector512.Create(*(a4 + o3)); c70 = Avx512F.FusedMultiplyAdd(av, b0, c70); c71 = Avx512F.FusedMultiplyAdd(av, b1, c71); }
            a += aStep;
            a4 += aStep;
            b += bStep;
        }

        if (bias != null)
        {
            var bb0 = Vector512.Load(bias);
            var bb1 = Vector512.Load(bias + 16);
            c00 += bb0; c01 += bb1; c10 += bb0; c11 += bb1; c20 += bb0; c21 += bb1; c30 += bb0; c31 += bb1; c40 += bb0; c41 += bb1; c50 += bb0; c51 += bb1; c60 += bb0; c61 += bb1; c70 += bb0; c71 += bb1;
        }

        if (relu)
        {
            var zero = Vector512<float>.Zero;
            c00 = Vector512.Max(c00, zero); c01 = Vector512.Max(c01, zero); c10 = Vector512.Max(c10, zero); c11 = Vector512.Max(c11, zero);
            c20 = Vector512.Max(c20, zero); c21 = Vector512.Max(c21, zero); c30 = Vector512.Max(c30, zero); c31 = Vector512.Max(c31, zero);
            c40 = Vector512.Max(c40, zero); c41 = Vector512.Max(c41, zero); c50 = Vector512.Max(c50, zero); c51 = Vector512.Max(c51, zero);
            c60 = Vector512.Max(c60, zero); c61 = Vector512.Max(c61, zero); c70 = Vector512.Max(c70, zero); c71 = Vector512.Max(c71, zero);
        }

        c00.Store(c + 0 * ldc); c01.Store(c + 0 * ldc + 16);
        if (rows > 1) { c10.Store(c + 1 * ldc); c11.Store(c + 1 * ldc + 16); }
        if (rows > 2) { c20.Store(c + 2 * ldc); c21.Store(c + 2 * ldc + 16); }
        if (rows > 3) { c30.Store(c + 3 * ldc); c31.Store(c + 3 * ldc + 16); }
        if (rows > 4) { c40.Store(c + 4 * ldc); c41.Store(c + 4 * ldc + 16); }
        if (rows > 5) { c50.Store(c + 5 * ldc); c51.Store(c + 5 * ldc + 16); }
        if (rows > 6) { c60.Store(c + 6 * ldc); c61.Store(c + 6 * ldc + 16); }
        if (rows > 7) { c70.Store(c + 7 * ldc); c71.Store(c + 7 * ldc + 16); }
    }

    /// <summary>
    /// The portable tile for CPUs without AVX2/FMA: the same 6×16 tile done as two 6×8 halves of
    /// <see cref="Vector128"/> accumulators, each element still one ascending multiply-add chain
    /// (fused where the hardware fuses, so on an FMA machine it matches <see cref="TileAvx"/> bit for bit).
    /// </summary>
    private static void TilePortable(int rows, float* a, nint aRow, nint aStep, float* b, nint bStep, int kc, float* c, nint ldc, int cols, bool accumulate, float* bias)
    {
        for (int h = 0; h < Nr && h < cols; h += 8)
        {
            int hc = Math.Min(8, cols - h);
            switch (rows)
            {
                case 6: HalfPortable<R6>(a, aRow, aStep, b + h, bStep, kc, c + h, ldc, hc, accumulate, bias == null ? null : bias + h); break;
                case 5: HalfPortable<R5>(a, aRow, aStep, b + h, bStep, kc, c + h, ldc, hc, accumulate, bias == null ? null : bias + h); break;
                case 4: HalfPortable<R4>(a, aRow, aStep, b + h, bStep, kc, c + h, ldc, hc, accumulate, bias == null ? null : bias + h); break;
                case 3: HalfPortable<R3>(a, aRow, aStep, b + h, bStep, kc, c + h, ldc, hc, accumulate, bias == null ? null : bias + h); break;
                case 2: HalfPortable<R2>(a, aRow, aStep, b + h, bStep, kc, c + h, ldc, hc, accumulate, bias == null ? null : bias + h); break;
                default: HalfPortable<R1>(a, aRow, aStep, b + h, bStep, kc, c + h, ldc, hc, accumulate, bias == null ? null : bias + h); break;
            }
        }
    }

    private static void HalfPortable<TRows>(float* a, nint aRow, nint aStep, float* b, nint bStep, int kc, float* c, nint ldc, int cols, bool accumulate, float* bias)
        where TRows : struct, IRows
    {
        int rows = TRows.Value;
        // A ragged tile goes through an 8-wide staging row so the vector loads and stores of C
        // never touch memory past the last column.
        float* stage = stackalloc float[Mr * 8];
        bool full = cols == 8;
        float* t = full ? c : stage;
        nint ldt = full ? ldc : 8;
        if (!full)
        {
            for (int r = 0; r < rows; r++)
                for (int q = 0; q < 8; q++)
                    stage[r * 8 + q] = accumulate && q < cols ? c[r * ldc + q] : 0f;
        }

        Vector128<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = Vector128<float>.Zero;
        if (accumulate)
        {
            c00 = Vector128.Load(t); c01 = Vector128.Load(t + 4);
            if (rows > 1) { c10 = Vector128.Load(t + ldt); c11 = Vector128.Load(t + ldt + 4); }
            if (rows > 2) { c20 = Vector128.Load(t + 2 * ldt); c21 = Vector128.Load(t + 2 * ldt + 4); }
            if (rows > 3) { c30 = Vector128.Load(t + 3 * ldt); c31 = Vector128.Load(t + 3 * ldt + 4); }
            if (rows > 4) { c40 = Vector128.Load(t + 4 * ldt); c41 = Vector128.Load(t + 4 * ldt + 4); }
            if (rows > 5) { c50 = Vector128.Load(t + 5 * ldt); c51 = Vector128.Load(t + 5 * ldt + 4); }
        }

        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector128.Load(b);
            var b1 = Vector128.Load(b + 4);
            var av = Vector128.Create(a[0]);
            c00 = Vector128.MultiplyAddEstimate(av, b0, c00); c01 = Vector128.MultiplyAddEstimate(av, b1, c01);
            if (rows > 1) { av = Vector128.Create(a[aRow]); c10 = Vector128.MultiplyAddEstimate(av, b0, c10); c11 = Vector128.MultiplyAddEstimate(av, b1, c11); }
            if (rows > 2) { av = Vector128.Create(a[2 * aRow]); c20 = Vector128.MultiplyAddEstimate(av, b0, c20); c21 = Vector128.MultiplyAddEstimate(av, b1, c21); }
            if (rows > 3) { av = Vector128.Create(a[3 * aRow]); c30 = Vector128.MultiplyAddEstimate(av, b0, c30); c31 = Vector128.MultiplyAddEstimate(av, b1, c31); }
            if (rows > 4) { av = Vector128.Create(a[4 * aRow]); c40 = Vector128.MultiplyAddEstimate(av, b0, c40); c41 = Vector128.MultiplyAddEstimate(av, b1, c41); }
            if (rows > 5) { av = Vector128.Create(a[5 * aRow]); c50 = Vector128.MultiplyAddEstimate(av, b0, c50); c51 = Vector128.MultiplyAddEstimate(av, b1, c51); }
            a += aStep;
            b += bStep;
        }

        if (bias != null)
        {
            Vector128<float> bb0, bb1;
            if (full) { bb0 = Vector128.Load(bias); bb1 = Vector128.Load(bias + 4); }
            else
            {
                float* bs = stackalloc float[8];
                for (int q = 0; q < 8; q++) bs[q] = q < cols ? bias[q] : 0f;
                bb0 = Vector128.Load(bs); bb1 = Vector128.Load(bs + 4);
            }
            c00 += bb0; c01 += bb1; c10 += bb0; c11 += bb1; c20 += bb0; c21 += bb1;
            c30 += bb0; c31 += bb1; c40 += bb0; c41 += bb1; c50 += bb0; c51 += bb1;
        }

        c00.Store(t); c01.Store(t + 4);
        if (rows > 1) { c10.Store(t + ldt); c11.Store(t + ldt + 4); }
        if (rows > 2) { c20.Store(t + 2 * ldt); c21.Store(t + 2 * ldt + 4); }
        if (rows > 3) { c30.Store(t + 3 * ldt); c31.Store(t + 3 * ldt + 4); }
        if (rows > 4) { c40.Store(t + 4 * ldt); c41.Store(t + 4 * ldt + 4); }
        if (rows > 5) { c50.Store(t + 5 * ldt); c51.Store(t + 5 * ldt + 4); }

        if (!full)
            for (int r = 0; r < rows; r++)
                for (int q = 0; q < cols; q++)
                    c[r * ldc + q] = stage[r * 8 + q];
    }

    // ---------------------------------------------------------------------------------------
    // Small shapes, AVX2 only.
    // ---------------------------------------------------------------------------------------

    /// <summary>
    /// <c>C = A·Bᵀ (+ bias)</c> for a few rows of A: each output is a dot product of two
    /// contiguous rows, kept as 8 lane sums (lane l sums p ≡ l mod 8 in ascending order) and
    /// folded by a fixed horizontal-add tree. Tiles of up to 3 A rows × 4 B rows share loads.
    /// </summary>
    private static void DotRows(float* a, float* b, float* bias, float* c, int m, int n, int k)
    {
        for (int i = 0; i < m; i += 3)
        {
            int rows = Math.Min(3, m - i);
            float* ai = a + (nint)i * k;
            float* ci = c + (nint)i * n;
            for (int j = 0; j < n; j += 4)
            {
                int cols = Math.Min(4, n - j);
                switch (rows)
                {
                    case 3: DotTile<R3>(ai, b, bias, ci, n, k, j, cols); break;
                    case 2: DotTile<R2>(ai, b, bias, ci, n, k, j, cols); break;
                    default: DotTile<R1>(ai, b, bias, ci, n, k, j, cols); break;
                }
            }
        }
    }

    private static void DotTile<TRows>(float* a, float* b, float* bias, float* c, int n, int k, int j, int cols)
        where TRows : struct, IRows
    {
        int rows = TRows.Value;
        // A ragged tile repeats its last B row so the loop stays branch-free; only cols are stored.
        float* b0 = b + (nint)j * k;
        float* b1 = b + (nint)(j + Math.Min(1, cols - 1)) * k;
        float* b2 = b + (nint)(j + Math.Min(2, cols - 1)) * k;
        float* b3 = b + (nint)(j + Math.Min(3, cols - 1)) * k;
        float* a0 = a, a1 = a + (rows > 1 ? k : 0), a2 = a + (rows > 2 ? 2 * k : 0);
        Vector256<float> s00, s01, s02, s03, s10, s11, s12, s13, s20, s21, s22, s23;
        s00 = s01 = s02 = s03 = s10 = s11 = s12 = s13 = s20 = s21 = s22 = s23 = Vector256<float>.Zero;
        int p = 0;
        for (; p + 8 <= k; p += 8)
        {
            var v0 = Avx.LoadVector256(b0 + p);
            var v1 = Avx.LoadVector256(b1 + p);
            var v2 = Avx.LoadVector256(b2 + p);
            var v3 = Avx.LoadVector256(b3 + p);
            var x = Avx.LoadVector256(a0 + p);
            s00 = Fma.MultiplyAdd(x, v0, s00); s01 = Fma.MultiplyAdd(x, v1, s01); s02 = Fma.MultiplyAdd(x, v2, s02); s03 = Fma.MultiplyAdd(x, v3, s03);
            if (rows > 1) { x = Avx.LoadVector256(a1 + p); s10 = Fma.MultiplyAdd(x, v0, s10); s11 = Fma.MultiplyAdd(x, v1, s11); s12 = Fma.MultiplyAdd(x, v2, s12); s13 = Fma.MultiplyAdd(x, v3, s13); }
            if (rows > 2) { x = Avx.LoadVector256(a2 + p); s20 = Fma.MultiplyAdd(x, v0, s20); s21 = Fma.MultiplyAdd(x, v1, s21); s22 = Fma.MultiplyAdd(x, v2, s22); s23 = Fma.MultiplyAdd(x, v3, s23); }
        }
        if (p < k)
        {
            // Masked-off lanes load as 0, and fma(0, 0, s) = s, so the tail joins the same lanes.
            var mask = ColumnMask(k - p, 0);
            var v0 = Avx.MaskLoad(b0 + p, mask);
            var v1 = Avx.MaskLoad(b1 + p, mask);
            var v2 = Avx.MaskLoad(b2 + p, mask);
            var v3 = Avx.MaskLoad(b3 + p, mask);
            var x = Avx.MaskLoad(a0 + p, mask);
            s00 = Fma.MultiplyAdd(x, v0, s00); s01 = Fma.MultiplyAdd(x, v1, s01); s02 = Fma.MultiplyAdd(x, v2, s02); s03 = Fma.MultiplyAdd(x, v3, s03);
            if (rows > 1) { x = Avx.MaskLoad(a1 + p, mask); s10 = Fma.MultiplyAdd(x, v0, s10); s11 = Fma.MultiplyAdd(x, v1, s11); s12 = Fma.MultiplyAdd(x, v2, s12); s13 = Fma.MultiplyAdd(x, v3, s13); }
            if (rows > 2) { x = Avx.MaskLoad(a2 + p, mask); s20 = Fma.MultiplyAdd(x, v0, s20); s21 = Fma.MultiplyAdd(x, v1, s21); s22 = Fma.MultiplyAdd(x, v2, s22); s23 = Fma.MultiplyAdd(x, v3, s23); }
        }

        var bv = Vector128<float>.Zero;
        if (bias != null)
        {
            float* bs = stackalloc float[4];
            for (int q = 0; q < 4; q++) bs[q] = q < cols ? bias[j + q] : 0f;
            bv = Vector128.Load(bs);
        }
        StoreDot(Fold(s00, s01, s02, s03) + bv, c + j, cols);
        if (rows > 1) StoreDot(Fold(s10, s11, s12, s13) + bv, c + n + j, cols);
        if (rows > 2) StoreDot(Fold(s20, s21, s22, s23) + bv, c + 2 * n + j, cols);
    }

    /// <summary>The four horizontal sums of <paramref name="x0"/>…<paramref name="x3"/>, in that order, by a fixed add tree.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Fold(Vector256<float> x0, Vector256<float> x1, Vector256<float> x2, Vector256<float> x3)
    {
        var h = Avx.HorizontalAdd(Avx.HorizontalAdd(x0, x1), Avx.HorizontalAdd(x2, x3));
        return h.GetLower() + h.GetUpper();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreDot(Vector128<float> v, float* c, int cols)
    {
        if (cols == 4) { v.Store(c); return; }
        c[0] = v.GetElement(0);
        if (cols > 1) c[1] = v.GetElement(1);
        if (cols > 2) c[2] = v.GetElement(2);
    }

    /// <summary>
    /// <c>c[j] = Σ_p x[p]·B[p,j]</c> for one row (B stored [k, n]): 64 columns in 8 accumulators per
    /// sweep of B so the FMA latency is hidden, each element still the ascending chain over p.
    /// </summary>
    private static void Gemv(float* x, float* b, float* c, int n, int k, bool avx512)
    {
        int j = 0;
        if (avx512)
        {
            // 128 columns in 8 zmm accumulators: the same chains, half the load instructions.
            for (; j + 128 <= n; j += 128)
            {
                Vector512<float> s0, s1, s2, s3, s4, s5, s6, s7;
                s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = Vector512<float>.Zero;
                float* bp = b + j;
                for (int p = 0; p < k; p++, bp += n)
                {
                    var xv = Vector512.Create(x[p]);
                    s0 = Avx512F.FusedMultiplyAdd(xv, Vector512.Load(bp), s0);
                    s1 = Avx512F.FusedMultiplyAdd(xv, Vector512.Load(bp + 16), s1);
                    s2 = Avx512F.FusedMultiplyAdd(xv, Vector512.Load(bp + 32), s2);
                    s3 = Avx512F.FusedMultiplyAdd(xv, Vector512.Load(bp + 48), s3);
                    s4 = Avx512F.FusedMultiplyAdd(xv, Vector512.Load(bp + 64), s4);
                    s5 = Avx512F.FusedMultiplyAdd(xv, Vector512.Load(bp + 80), s5);
                    s6 = Avx512F.FusedMultiplyAdd(xv, Vector512.Load(bp + 96), s6);
                    s7 = Avx512F.FusedMultiplyAdd(xv, Vector512.Load(bp + 112), s7);
                }
                s0.Store(c + j); s1.Store(c + j + 16); s2.Store(c + j + 32); s3.Store(c + j + 48);
                s4.Store(c + j + 64); s5.Store(c + j + 80); s6.Store(c + j + 96); s7.Store(c + j + 112);
            }
        }
        for (; j + 64 <= n; j += 64)
        {
            Vector256<float> s0, s1, s2, s3, s4, s5, s6, s7;
            s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = Vector256<float>.Zero;
            float* bp = b + j;
            for (int p = 0; p < k; p++, bp += n)
            {
                var xv = Avx.BroadcastScalarToVector256(x + p);
                s0 = Fma.MultiplyAdd(xv, Avx.LoadVector256(bp), s0);
                s1 = Fma.MultiplyAdd(xv, Avx.LoadVector256(bp + 8), s1);
                s2 = Fma.MultiplyAdd(xv, Avx.LoadVector256(bp + 16), s2);
                s3 = Fma.MultiplyAdd(xv, Avx.LoadVector256(bp + 24), s3);
                s4 = Fma.MultiplyAdd(xv, Avx.LoadVector256(bp + 32), s4);
                s5 = Fma.MultiplyAdd(xv, Avx.LoadVector256(bp + 40), s5);
                s6 = Fma.MultiplyAdd(xv, Avx.LoadVector256(bp + 48), s6);
                s7 = Fma.MultiplyAdd(xv, Avx.LoadVector256(bp + 56), s7);
            }
            Avx.Store(c + j, s0); Avx.Store(c + j + 8, s1); Avx.Store(c + j + 16, s2); Avx.Store(c + j + 24, s3);
            Avx.Store(c + j + 32, s4); Avx.Store(c + j + 40, s5); Avx.Store(c + j + 48, s6); Avx.Store(c + j + 56, s7);
        }
        for (; j < n; j += 8)
        {
            bool full = j + 8 <= n;
            var mask = full ? Vector256<float>.AllBitsSet : ColumnMask(n - j, 0);
            var s = Vector256<float>.Zero;
            float* bp = b + j;
            for (int p = 0; p < k; p++, bp += n)
                s = Fma.MultiplyAdd(Avx.BroadcastScalarToVector256(x + p), full ? Avx.LoadVector256(bp) : Avx.MaskLoad(bp, mask), s);
            if (full) Avx.Store(c + j, s);
            else Avx.MaskStore(c + j, mask, s);
        }
    }

    /// <summary>
    /// One thread's packing buffers, allocated on the pinned object heap on the thread's first
    /// blocked product and reused for every later one, so the hot path allocates nothing. Pinned
    /// so the raw pointers stay valid and 64-byte aligned so no packed row straddles cache lines.
    /// </summary>
    private sealed class Scratch
    {
        [ThreadStatic] private static Scratch? t_current;

        private readonly float[] _storage;
        public readonly float* A;
        public readonly float* B;
        public readonly float* Stage;
        public readonly float* StageBias;

        private Scratch()
        {
            const int aLength = McMax * KcMax;
            const int bLength = NcMax * KcMax;
            const int stageLength = Mr512 * Nr512;
            _storage = GC.AllocateUninitializedArray<float>(aLength + bLength + stageLength + Nr512 + 16, pinned: true);
            float* p = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_storage));
            p = (float*)(((nuint)p + 63) & ~(nuint)63);
            A = p;
            B = A + aLength;
            Stage = B + bLength;
            StageBias = Stage + stageLength;
        }

        public static Scratch Current => t_current ??= new Scratch();
    }
}
