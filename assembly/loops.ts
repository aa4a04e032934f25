// The loop shapes, each written once: every base and rule sweeps its vectors with `pass`.
//
// pass<T>(n, a, b, c, d, e, f, k0, ..., k9, mode) sweeps n floats (a multiple of PAD) of up to
// six vectors whose byte cursors a..f advance together, one f32x4 (16 bytes) at a time. T is
// an operation: a @final class with @inline methods among these (a method it leaves out has the
// default given; no shared base class, whose methods would be virtual and not inline), called
// on a null instance (never allocated), so everything inlines into one loop per use:
//   op.sums(): i32           how many sums the pass accumulates (0..6; default 0)
//   op.accumulators(): i32   f32x4 accumulators per sum, 1, 2 or (one sum only) 4 (see below; default 1)
//   op.term(s, a..f, k0..k9, mode): v128
//                            the f32x4 of products sum s adds at these cursors (read before
//                            update writes)
//   op.update(a..f, k0..k9, mode): v128
//                            the elementwise work (loads, stores) at these cursors; returns
//                            the vector whose finiteness the pass reports (default: nothing
//                            written, zero)
// k0..k9 are the operation's f32x4 constants (splats) and mode a compile-time choice of
// variant; both reach the methods as arguments, so they stay in locals.
//
// Results: the sums in sum0..sum5 (f64), and, for a pass without sums, the finiteness
// accumulator as the return value (finiteAfter gives the exact verdict). A pass with sums
// ignores what update returns (a loop-carried accumulator would cost a dependent add per
// vector): an operation that writes there folds y·0 into a sum, which is NaN exactly when y is
// not finite.
//
// The sums' order is fixed: at most 32 products per lane are added in f32 before a block's sum
// widens into two f64x2 accumulators, and hsum adds those for each segment (each tensor, or the
// whole vector); a vector's sum is its segments' added in order. op.accumulators() says how
// many f32x4 accumulators each sum has: four (one sum only) or two take every fourth or every
// other vector of a 64-vector block (the block's sum is (a0 + a1) + (a2 + a3), or a0 + a1),
// for passes with few sums whose single chain would wait on each add; one takes a 32-vector
// block, for passes whose several chains already run side by side. The tail of a segment goes
// in 16-vector blocks. The same bits in every runtime and in both builds.
//
// The speed/size choice is made here and nowhere else (ROLLED): the speed build compiles each
// pass to its own loop (sweep), unrolled four vectors per iteration without sums (two with
// pass2) and two with sums; the size build runs every pass through one shared loop (shared),
// which adds the same products in the same order.
import { PAD, widenLo, widenHi, hsum, sum4 as tree4 } from './simd';
import { AnyOp, OP, opIndex } from './generated/ops';
import { NPAD, NSEG, SEG_START, SEG_PADDED, SEG_LR, SEG_WD, SEG_SUMS, SEG_STEP, SEG_MOVED, seg, hyper } from './layout';
import { HP_weightDecay, HP_measure } from './ids';

// The size build (asc --shrinkLevel 2: the wasm that stepsize/inline and the IIFE embed). Its
// results are the same bit for bit: only the order of the finiteness accumulator changes, and
// its verdict is exact either way (see finiteAfter).
// @ts-ignore: decorator
@inline const ROLLED: bool = ASC_SHRINK_LEVEL > 1;


/**
 * Per-segment scalars an update applies: the step factor and the weight-decay ratio.
 *   step  = the rule's per-tensor step (SEG_STEP: LDoG's η_l) · the group's lrScale (SEG_LR)
 *           · `applied` (the schedule's m(t), for rules whose step it scales);
 *   decay = the group's weight decay / the optimizer's (HP_weightDecay holds the largest of
 *           the groups', so a decay constant times this is the group's).
 * An operation names the constants they multiply, per mode: op.stepped(mode) and
 * op.decayed(mode), bit i for k_i (default none). The driver multiplies those constants on
 * entering each segment (step first), so the loop itself does no extra work; without groups,
 * schedule or per-tensor steps both are 1 and the constants keep their bits.
 * A segment whose lrScale is 0 (a frozen group) is skipped by every pass: it is left out of
 * every sum (its record's sums are 0) and nothing of it is read or written.
 */
let segStep: f32 = 1, segWd: f32 = 1;
// The same as f32x4 splats, for an operation that applies them per vector (stepOf, decayOf)
// rather than through its constants: Adam's loop ran 1.3-1.5x slower on V8 with a scaled
// constant (one more v128 live across the segment loop), and as fast with one multiply more.
let segStep4 = f32x4.splat(1), segWd4 = f32x4.splat(1);
/** u times the segment's step factor, per vector (see segStep4). */
// @ts-ignore: decorator
@inline export function stepOf(u: v128): v128 { return f32x4.mul(u, segStep4); }
/** A decay constant times the segment's decay ratio, per vector (see segStep4). */
// @ts-ignore: decorator
@inline export function decayOf(k: v128): v128 { return f32x4.mul(k, segWd4); }
/** The schedule's factor on the step of the update passes that follow (index.ts sets it each step). */
export let applied: f64 = 1;
export function setApplied(m: f64): void { applied = m; }

// An operation without sums whose update moves the parameters x ← x − Δ says so (op.moves(mode)
// true) and returns moved(Δ, x_new) = Δ² + x_new·0 from update rather than x_new: non-finite
// exactly when x_new is, and the pass stores its segment's sum, ‖Δx‖², at SEG_MOVED (f32 lanes
// widened once per segment: telemetry, without the sums' error guarantees).
// @ts-ignore: decorator
@inline function movesOf<T>(mode: i32): bool { if (isDefined(changetype<T>(0).moves)) return changetype<T>(0).moves(mode); return false; }
/**
 * A mode bit (above every operation's own) for operations that measure ‖Δx‖² only when asked
 * (returning Δ² cost Adam's loop up to 1.5x on V8, a light rule's 25%): an optimizer created with
 * `measureSteps: true` asks (HP_measure), and its loops then run with it.
 */
// @ts-ignore: decorator
@inline export const MEASURE: i32 = 1 << 8;
/** Whether this optimizer measures each segment's step (the loader sets HP_measure with measureSteps). */
// @ts-ignore: decorator
@inline export function measured(): bool { return hyper(HP_measure) != 0; }
/** MEASURE when measured, else 0. */
// @ts-ignore: decorator
@inline export function measuring(): i32 { return measured() ? MEASURE : 0; }
/** Δ² + y·0, what a moving operation's update returns (y: the new parameters). */
// @ts-ignore: decorator
@inline export function moved(delta: v128, y: v128): v128 { return f32x4.add(f32x4.mul(delta, delta), f32x4.mul(y, f32x4.splat(0))); }
/** Segment k's ‖Δx‖², from the Δ² lanes a pass accumulated (0 for a frozen segment). */
// @ts-ignore: decorator
@inline function storeMoved(k: u32, q: v128): void { store<f64>(seg(k) + SEG_MOVED, hsum(widenLo(f64x2.splat(0), q), widenHi(f64x2.splat(0), q))); }
/** A frozen segment's record: no sums, no step (what a pass that skips it leaves there). */
// @ts-ignore: decorator
@inline function skipFrozen(k: u32, sums: bool, moves: bool): void {
  if (sums) memory.fill(seg(k) + SEG_SUMS, 0, 48);
  if (moves) store<f64>(seg(k) + SEG_MOVED, 0);
}
// @ts-ignore: decorator
@inline function steppedOf<T>(mode: i32): i32 { if (isDefined(changetype<T>(0).stepped)) return changetype<T>(0).stepped(mode); return 0; }
// @ts-ignore: decorator
@inline function decayedOf<T>(mode: i32): i32 { if (isDefined(changetype<T>(0).decayed)) return changetype<T>(0).decayed(mode); return 0; }
/** Constant k_i for the current segment: times its step factor and decay ratio where the masks say. */
// @ts-ignore: decorator
@inline function scaled(k: v128, i: i32, stepped: i32, decayed: i32): v128 {
  let r = k;
  if ((stepped >> i) & 1) r = f32x4.mul(r, f32x4.splat(segStep));
  if ((decayed >> i) & 1) r = f32x4.mul(r, f32x4.splat(segWd));
  return r;
}

// Results of the last pass's sums (read right after it); each segment's are in its record.
export let sum0: f64 = 0;
export let sum1: f64 = 0;
export let sum2: f64 = 0;
export let sum3: f64 = 0;
export let sum4: f64 = 0;
export let sum5: f64 = 0;

/**
 * How far the speed build unrolls a pass without sums (U): four vectors per iteration, or two
 * where measured faster (an update that reads three vectors and writes two, such as a path
 * and the parameters: ~30% faster at two on V8).
 */
@final class Four {
  // @ts-ignore: decorator
  @inline vectors(): i32 { return 4; }
}
@final class Two {
  // @ts-ignore: decorator
  @inline vectors(): i32 { return 2; }
}

// @ts-ignore: decorator
@inline function sweep<T, U>(n: u32, a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
  c0: v128, c1: v128, c2: v128, c3: v128, c4: v128, c5: v128, c6: v128, c7: v128, c8: v128, c9: v128, mode: i32): v128 {
  const S = sumsOf<T>();
  let ok = f32x4.splat(0);
  let z0: f64 = 0, z1: f64 = 0, z2: f64 = 0, z3: f64 = 0, z4: f64 = 0, z5: f64 = 0; // the whole vector's sums
  // the layout's vectors go segment by segment (other spans, e.g. in unit tests, as one)
  const segments = n == NPAD ? NSEG : 1;
  for (let k: u32 = 0; k < segments; k++) {
    if (n == NPAD && frozen(k)) { skipFrozen(k, S > 0, movesOf<T>(mode)); continue; }
    // one offset for every cursor: a cursor the operation does not read costs nothing
    let o: usize = n == NPAD ? enter(k) : span();
    const end: usize = n == NPAD ? o + (<usize>load<u32>(seg(k) + SEG_PADDED) << 2) : <usize>n << 2;
    const sm = steppedOf<T>(mode), dm = decayedOf<T>(mode);
    const k0 = scaled(c0, 0, sm, dm), k1 = scaled(c1, 1, sm, dm), k2 = scaled(c2, 2, sm, dm), k3 = scaled(c3, 3, sm, dm), k4 = scaled(c4, 4, sm, dm);
    const k5 = scaled(c5, 5, sm, dm), k6 = scaled(c6, 6, sm, dm), k7 = scaled(c7, 7, sm, dm), k8 = scaled(c8, 8, sm, dm), k9 = scaled(c9, 9, sm, dm);
    if (S == 0) {
      // (an operation that moves the parameters returns Δx² rather than y: see moves())
      const M = movesOf<T>(mode);
      let q = f32x4.splat(0);
      while (o < end) {
        const pa = a + o, pb = b + o, pc = c + o, pd = d + o, pe = e + o, pf = f + o;
        const y0 = updateOf<T>(pa, pb, pc, pd, pe, pf, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, mode);
        const y1 = updateOf<T>(pa + 16, pb + 16, pc + 16, pd + 16, pe + 16, pf + 16, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, mode);
        if (changetype<U>(0).vectors() == 2) { if (M) q = f32x4.add(q, f32x4.add(y0, y1)); else ok = f32x4.add(ok, f32x4.add(y0, y1)); o += 32; continue; }
        const y2 = updateOf<T>(pa + 32, pb + 32, pc + 32, pd + 32, pe + 32, pf + 32, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, mode);
        const y3 = updateOf<T>(pa + 48, pb + 48, pc + 48, pd + 48, pe + 48, pf + 48, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, mode);
        if (M) q = f32x4.add(q, tree4(y0, y1, y2, y3)); else ok = f32x4.add(ok, tree4(y0, y1, y2, y3));
        o += 64;
      }
      if (M) ok = f32x4.add(ok, q);
      if (M && n == NPAD) storeMoved(k, q);
      continue;
    }
    // this segment's sums; the whole vector's are theirs added in segment order (one segment:
    // the same bits as one span)
    let l0 = f64x2.splat(0), h0 = f64x2.splat(0), l1 = f64x2.splat(0), h1 = f64x2.splat(0), l2 = f64x2.splat(0), h2 = f64x2.splat(0);
    let l3 = f64x2.splat(0), h3 = f64x2.splat(0), l4 = f64x2.splat(0), h4 = f64x2.splat(0), l5 = f64x2.splat(0), h5 = f64x2.splat(0);
    // two accumulators per sum: 64-vector blocks while 64 are left, then 16; one: 32, then 16
    const four = accumulatorsOf<T>() == 4, two = four || accumulatorsOf<T>() == 2, block: usize = two ? 64 << 4 : 32 << 4;
    while (o < end) {
      const stop = o + (end - o >= block ? block : 16 << 4); // (end − o is a multiple of PAD / 4 = 16 vectors)
      let p0 = f32x4.splat(0), q0 = f32x4.splat(0), p1 = f32x4.splat(0), q1 = f32x4.splat(0);
      let p2 = f32x4.splat(0), q2 = f32x4.splat(0), p3 = f32x4.splat(0);
      let p4 = f32x4.splat(0), p5 = f32x4.splat(0), r0 = f32x4.splat(0), w0 = f32x4.splat(0);
      while (o < stop) {
        // p_s takes the even vectors, q_s the odd ones (with four accumulators, r0 and w0 take
        // every fourth), all in one iteration. One base per cursor per iteration, the later
        // vectors at fixed offsets from it.
        const pa = a + o, pb = b + o, pc = c + o, pd = d + o, pe = e + o, pf = f + o;
        const t1 = S > 1 ? f32x4.add(p1, termOf<T>(1, pa, pb, pc, pd, pe, pf, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, mode)) : p1;
        const t2 = S > 2 ? f32x4.add(p2, termOf<T>(2, pa, pb, pc, pd, pe, pf, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, mode)) : p2;
        const t3 = S > 3 ? f32x4.add(p3, termOf<T>(3, pa, pb, pc, pd, pe, pf, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, mode)) : p3;
        const t4 = S > 4 ? f32x4.add(p4, termOf<T>(4, pa, pb, pc, pd, pe, pf, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, mode)) : p4;
        const t5 = S > 5 ? f32x4.add(p5, termOf<T>(5, pa, pb, pc, pd, pe, pf, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, mode)) : p5;
        const t0 = f32x4.add(p0, head<T>(pa, pb, pc, pd, pe, pf, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, mode));
        tail<T>(pa, pb, pc, pd, pe, pf, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, mode);
        if (!two) {
          // one accumulator per sum: the next vector goes into the same accumulators in the
          // same iteration (the same order as one at a time)
          if (S > 1) p1 = f32x4.add(t1, termOf<T>(1, pa + 16, pb + 16, pc + 16, pd + 16, pe + 16, pf + 16, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, mode));
          if (S > 2) p2 = f32x4.add(t2, termOf<T>(2, pa + 16, pb + 16, pc + 16, pd + 16, pe + 16, pf + 16, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, mode));
          if (S > 3) p3 = f32x4.add(t3, termOf<T>(3, pa + 16, pb + 16, pc + 16, pd + 16, pe + 16, pf + 16, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, mode));
          if (S > 4) p4 = f32x4.add(t4, termOf<T>(4, pa + 16, pb + 16, pc + 16, pd + 16, pe + 16, pf + 16, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, mode));
          if (S > 5) p5 = f32x4.add(t5, termOf<T>(5, pa + 16, pb + 16, pc + 16, pd + 16, pe + 16, pf + 16, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, mode));
          p0 = f32x4.add(t0, head<T>(pa + 16, pb + 16, pc + 16, pd + 16, pe + 16, pf + 16, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, mode));
          tail<T>(pa + 16, pb + 16, pc + 16, pd + 16, pe + 16, pf + 16, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, mode);
          o += 32;
          continue;
        }
        p0 = t0; p1 = t1; p2 = t2;
        if (S > 1) q1 = f32x4.add(q1, termOf<T>(1, pa + 16, pb + 16, pc + 16, pd + 16, pe + 16, pf + 16, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, mode));
        if (S > 2) q2 = f32x4.add(q2, termOf<T>(2, pa + 16, pb + 16, pc + 16, pd + 16, pe + 16, pf + 16, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, mode));
        q0 = f32x4.add(q0, head<T>(pa + 16, pb + 16, pc + 16, pd + 16, pe + 16, pf + 16, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, mode));
        tail<T>(pa + 16, pb + 16, pc + 16, pd + 16, pe + 16, pf + 16, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, mode);
        if (!four) { o += 32; continue; }
        r0 = f32x4.add(r0, head<T>(pa + 32, pb + 32, pc + 32, pd + 32, pe + 32, pf + 32, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, mode));
        tail<T>(pa + 32, pb + 32, pc + 32, pd + 32, pe + 32, pf + 32, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, mode);
        w0 = f32x4.add(w0, head<T>(pa + 48, pb + 48, pc + 48, pd + 48, pe + 48, pf + 48, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, mode));
        tail<T>(pa + 48, pb + 48, pc + 48, pd + 48, pe + 48, pf + 48, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, mode);
        o += 64;
      }
      const s0 = four ? f32x4.add(f32x4.add(p0, q0), f32x4.add(r0, w0)) : two ? f32x4.add(p0, q0) : p0;
      l0 = widenLo(l0, s0); h0 = widenHi(h0, s0);
      if (S > 1) { const s1 = two ? f32x4.add(p1, q1) : p1; l1 = widenLo(l1, s1); h1 = widenHi(h1, s1); }
      if (S > 2) { const s2 = two ? f32x4.add(p2, q2) : p2; l2 = widenLo(l2, s2); h2 = widenHi(h2, s2); }
      if (S > 3) { l3 = widenLo(l3, p3); h3 = widenHi(h3, p3); }
      if (S > 4) { l4 = widenLo(l4, p4); h4 = widenHi(h4, p4); }
      if (S > 5) { l5 = widenLo(l5, p5); h5 = widenHi(h5, p5); }
    }
    const u0 = hsum(l0, h0), u1 = hsum(l1, h1), u2 = hsum(l2, h2), u3 = hsum(l3, h3), u4 = hsum(l4, h4), u5 = hsum(l5, h5);
    z0 += u0; z1 += u1; z2 += u2; z3 += u3; z4 += u4; z5 += u5;
    if (n == NPAD) {
      const sums = seg(k) + SEG_SUMS;
      store<f64>(sums, u0); store<f64>(sums, u1, 8); store<f64>(sums, u2, 16);
      store<f64>(sums, u3, 24); store<f64>(sums, u4, 32); store<f64>(sums, u5, 40);
    }
  }
  if (S > 0) sum0 = z0;
  if (S > 1) sum1 = z1;
  if (S > 2) sum2 = z2;
  if (S > 3) sum3 = z3;
  if (S > 4) sum4 = z4;
  if (S > 5) sum5 = z5;
  return ok;
}

/** Enters segment k of the layout: sets its step factor and decay ratio, and returns its first byte. */
// @ts-ignore: decorator
@inline function enter(k: u32): usize {
  const r = seg(k), wd = hyper(HP_weightDecay);
  segStep = <f32>(load<f64>(r + SEG_STEP) * load<f64>(r + SEG_LR) * applied);
  segWd = wd > 0 ? <f32>(load<f64>(r + SEG_WD) / wd) : 0;
  segStep4 = f32x4.splat(segStep); segWd4 = f32x4.splat(segWd);
  return <usize>load<u32>(r + SEG_START) << 2;
}
/** A span that is not the layout's vectors (unit tests): no segment, factors 1. Returns 0. */
// @ts-ignore: decorator
@inline function span(): usize { segStep = 1; segWd = 1; segStep4 = segWd4 = f32x4.splat(1); return 0; }
/** Whether segment k belongs to a frozen group (lrScale 0): every pass skips it. */
// @ts-ignore: decorator
@inline export function frozen(k: u32): bool { return load<f64>(seg(k) + SEG_LR) == 0; }

// What an operation leaves out (see above) defaults here; the tests are at compile time.
// @ts-ignore: decorator
@inline function sumsOf<T>(): i32 { if (isDefined(changetype<T>(0).sums)) return changetype<T>(0).sums(); return 0; }
// @ts-ignore: decorator
@inline function accumulatorsOf<T>(): i32 { if (isDefined(changetype<T>(0).accumulators)) return changetype<T>(0).accumulators(); return 1; }
// @ts-ignore: decorator
@inline function termOf<T>(s: i32, a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
  k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
  if (isDefined(changetype<T>(0).term)) return changetype<T>(0).term(s, a, b, c, d, e, f, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, mode);
  return zero;
}
// @ts-ignore: decorator
@inline function updateOf<T>(a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
  k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
  if (isDefined(changetype<T>(0).update)) return changetype<T>(0).update(a, b, c, d, e, f, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, mode);
  return zero;
}

// A fused operation (op.fused() true) computes sum 0's term in update and returns it there:
// head adds what update returns and tail does nothing, so what both need is loaded and
// computed once (a separate term would load and compute it again: wasm engines do not
// eliminate repeated loads from memory). The other sums' terms are taken first, so they still
// read what update has not written yet; the order across sums changes no sum's bits.
// @ts-ignore: decorator
@inline function fusedOf<T>(): bool {
  if (isDefined(changetype<T>(0).fused)) return changetype<T>(0).fused();
  return false;
}
// @ts-ignore: decorator
@inline function head<T>(a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
  k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
  if (fusedOf<T>()) return updateOf<T>(a, b, c, d, e, f, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, mode);
  return termOf<T>(0, a, b, c, d, e, f, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, mode);
}
// @ts-ignore: decorator
@inline function tail<T>(a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
  k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): void {
  if (!fusedOf<T>()) updateOf<T>(a, b, c, d, e, f, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, mode);
}

/**
 * The size build's one loop: every pass runs here, its operation chosen at run time (AnyOp,
 * generated by scripts/rules.mjs from the operations in assembly/), and its accumulators in
 * memory, indexed by sum, so the loop's blocks, accumulators and widening are compiled once
 * rather than once per operation and sum. It adds the same products in the same order as
 * sweep (the speed build), so the results are the same bits; each vector costs calls here
 * (the size build's speed is reported, not a goal).
 */
const ACC = memory.data(16 * 42, 16); // accumulators [4][6] (f32x4), l[6], h[6] (f64x2), the totals (f64[6])
// @ts-ignore: decorator
@inline function acc(kind: u32, s: i32): usize { return ACC + ((<usize>kind * 6 + <usize>s) << 4); }
// @ts-ignore: decorator
@noinline function shared(n: u32, a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
  c0: v128, c1: v128, c2: v128, c3: v128, c4: v128, c5: v128, c6: v128, c7: v128, c8: v128, c9: v128, mode: i32): v128 {
  const op = changetype<AnyOp>(0);
  const S = op.sums(), A = op.accumulators(), F = op.fused();
  let ok = f32x4.splat(0);
  memory.fill(ACC, 0, 16 * 42);
  const totals = acc(6, 0), segments = n == NPAD ? NSEG : 1, M = op.moves(mode);
  for (let k: u32 = 0; k < segments; k++) {
    if (n == NPAD && frozen(k)) { skipFrozen(k, S > 0, M); continue; }
    let q = f32x4.splat(0);
    // one offset for every cursor: a cursor the operation does not read costs nothing
    let o: usize = n == NPAD ? enter(k) : span();
    const end: usize = n == NPAD ? o + (<usize>load<u32>(seg(k) + SEG_PADDED) << 2) : <usize>n << 2;
    const sm = op.stepped(mode), dm = op.decayed(mode);
    const k0 = scaled(c0, 0, sm, dm), k1 = scaled(c1, 1, sm, dm), k2 = scaled(c2, 2, sm, dm), k3 = scaled(c3, 3, sm, dm), k4 = scaled(c4, 4, sm, dm);
    const k5 = scaled(c5, 5, sm, dm), k6 = scaled(c6, 6, sm, dm), k7 = scaled(c7, 7, sm, dm), k8 = scaled(c8, 8, sm, dm), k9 = scaled(c9, 9, sm, dm);
    memory.fill(acc(4, 0), 0, 16 * 12); // this segment's l, h
    const block: usize = A > 1 ? 64 << 4 : 32 << 4;
    while (o < end) {
      const stop = S == 0 ? end : o + (end - o >= block ? block : 16 << 4);
      memory.fill(ACC, 0, 16 * 24); // the block's accumulators
      while (o < stop) {
        // (a fused operation's sum 0 takes what its update returns, after the other sums)
        let y = zero;
        for (let s = S - 1; s >= 0; s--) {
          // the accumulator that takes this vector is the first; then they rotate
          if (F && s == 0) y = op.update(a + o, b + o, c + o, d + o, e + o, f + o, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, mode);
          const t = f32x4.add(v128.load(acc(0, s)), F && s == 0 ? y : op.term(s, a + o, b + o, c + o, d + o, e + o, f + o, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, mode));
          for (let j: u32 = 1; j < <u32>A; j++) v128.store(acc(j - 1, s), v128.load(acc(j, s)));
          v128.store(acc(<u32>A - 1, s), t);
        }
        if (!F) y = op.update(a + o, b + o, c + o, d + o, e + o, f + o, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, mode);
        if (S == 0) q = f32x4.add(q, y);
        o += 16;
      }
      for (let s = 0; s < S; s++) {
        const p = v128.load(acc(0, s)), q = v128.load(acc(1, s));
        const blk = A == 4 ? f32x4.add(f32x4.add(p, q), f32x4.add(v128.load(acc(2, s)), v128.load(acc(3, s)))) : A == 2 ? f32x4.add(p, q) : p;
        v128.store(acc(4, s), widenLo(v128.load(acc(4, s)), blk));
        v128.store(acc(5, s), widenHi(v128.load(acc(5, s)), blk));
      }
    }
    ok = f32x4.add(ok, q);
    if (M && S == 0 && n == NPAD) storeMoved(k, q);
    for (let s = 0; s < S; s++) {
      const u = hsum(v128.load(acc(4, s)), v128.load(acc(5, s))), total = totals + (<usize>s << 3);
      store<f64>(total, load<f64>(total) + u);
      if (n == NPAD) store<f64>(seg(k) + SEG_SUMS + (<usize>s << 3), u);
    }
  }
  sum0 = load<f64>(totals); sum1 = load<f64>(totals, 8); sum2 = load<f64>(totals, 16);
  sum3 = load<f64>(totals, 24); sum4 = load<f64>(totals, 32); sum5 = load<f64>(totals, 40);
  return ok;
}

/** A pass (see above), unrolled four vectors per iteration in the speed build. */
// @ts-ignore: decorator
@inline export function pass<T>(n: u32, a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
  k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
  if (ROLLED) { OP = opIndex<T>(); return shared(n, a, b, c, d, e, f, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, mode); }
  return sweep<T, Four>(n, a, b, c, d, e, f, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, mode);
}

/** A pass without sums unrolled two vectors per iteration (see Two). */
// @ts-ignore: decorator
@inline export function pass2<T>(n: u32, a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
  k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
  if (ROLLED) { OP = opIndex<T>(); return shared(n, a, b, c, d, e, f, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, mode); }
  return sweep<T, Two>(n, a, b, c, d, e, f, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, mode);
}

/**
 * Whether a pass in this mode gets its own loop: in the speed build, when the caller says the
 * mode is hot; in the size build never (its modes share one loop, the mode chosen per vector).
 * Kernels ask this rather than testing the build.
 */
// @ts-ignore: decorator
@inline export function ownLoop(hot: bool): bool { return !ROLLED && hot; }

/**
 * A zero f32x4, for the constants an operation does not use: read from a variable (never
 * written), so a call passes it in a few bytes where a v128.const literal takes 18.
 */
let zero = f32x4.splat(0);
// @ts-ignore: decorator
@inline export function none(): v128 { return zero; }

/** An f32x4 of x rounded to float32. */
// @ts-ignore: decorator
@inline export function splat(x: f64): v128 { return f32x4.splat(<f32>x); }

// The sweeps several rules share.

/** sum0 = a·a. */
@final export class NormSq {
  // @ts-ignore: decorator
  @inline sums(): i32 { return 1; }
  // @ts-ignore: decorator
  @inline accumulators(): i32 { return 4; }
  // @ts-ignore: decorator
  @inline term(s: i32, a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
    k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
    const x = v128.load(a);
    return f32x4.mul(x, x);
  }
}

/** sum0 = a·a. Returns sum0. */
export function normSq(a: usize, n: u32): f64 {
  const z = none();
  pass<NormSq>(n, a, a, a, a, a, a, z, z, z, z, z, z, z, z, z, z, 0);
  return sum0;
}

// @ts-ignore: decorator
@inline const DOT = 0;
// @ts-ignore: decorator
@inline const DIFF = 1;   // b − a first: exact in f32 when b ≈ a, so nothing cancels in the sums
// @ts-ignore: decorator
@inline const COPY = 2;   // and copy a into c

/** sum0 = a·a, sum1 = a·b (DIFF: b·(b − a)), sum2 = b·b (DIFF: ‖b − a‖²); COPY also copies a to c. */
@final export class Dots {
  // @ts-ignore: decorator
  @inline sums(): i32 { return 3; }
  // @ts-ignore: decorator
  @inline accumulators(): i32 { return 2; }
  // @ts-ignore: decorator
  @inline term(s: i32, a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
    k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
    const x = v128.load(a), y = v128.load(b);
    const w = mode == DIFF ? f32x4.sub(y, x) : y;
    return s == 0 ? f32x4.mul(x, x) : s == 1 ? f32x4.mul(mode == DIFF ? y : x, w) : f32x4.mul(w, w);
  }
  // @ts-ignore: decorator
  @inline update(a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
    k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
    if (mode == COPY) v128.store(c, v128.load(a));
    return f32x4.splat(0);
  }
}

// @ts-ignore: decorator
@inline function dots(a: usize, b: usize, dst: usize, n: u32, mode: i32): void {
  const z = none();
  pass<Dots>(n, a, b, dst, a, a, a, z, z, z, z, z, z, z, z, z, z, mode);
}
// the size build: one call site for the three forms (the shared loop chooses per vector)
// @ts-ignore: decorator
@noinline function anyDots(a: usize, b: usize, dst: usize, n: u32, mode: i32): void { dots(a, b, dst, n, mode); }

/** sum0 = a·a, sum1 = a·b, sum2 = b·b, in one pass. */
export function dotNorms(a: usize, b: usize, n: u32): void {
  if (ROLLED) anyDots(a, b, a, n, DOT); else dots(a, b, a, n, DOT);
}

/**
 * sum0 = a·a, sum1 = b·(b − a), sum2 = ‖b − a‖², in one pass. For difference quotients
 * (1 − a·b/b·b, ‖g − h‖) where a ≈ b: forming a·b first would cancel in f32.
 */
export function diffNorms(a: usize, b: usize, n: u32): void {
  if (ROLLED) anyDots(a, b, a, n, DIFF); else dots(a, b, a, n, DIFF);
}

/** As dotNorms, and copies a into dst in the same pass (e.g. keeping g as next step's g_prev). */
export function dotNormsCopy(a: usize, b: usize, dst: usize, n: u32): void {
  if (ROLLED) anyDots(a, b, dst, n, COPY); else dots(a, b, dst, n, COPY);
}

/** dst ← src. */
@final export class Copy {
  // @ts-ignore: decorator
  @inline update(a: usize, b: usize, c: usize, d: usize, e: usize, f: usize,
    k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, mode: i32): v128 {
    v128.store(b, v128.load(a));
    return f32x4.splat(0);
  }
}

/** Copies n floats (a multiple of PAD) from src to dst. */
export function copy(dst: usize, src: usize, n: u32): void {
  const z = none();
  pass<Copy>(n, src, dst, src, src, src, src, z, z, z, z, z, z, z, z, z, z, 0);
}

export { PAD };
