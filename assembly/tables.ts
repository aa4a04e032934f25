// Build-time only: the ids (ids.ts, generated/ids.ts) and the layout constants the loader
// needs, as exported globals. scripts/build.mjs compiles this, reads the globals, and bakes
// them into the JavaScript entries; stepsize.wasm itself exports none of them (their names
// were an eighth of its gzipped size) but carries a fingerprint of them in a custom section.
export * from './ids';
export * from './generated/ids';
export { H_HYPER, H_STATE, H_STATS, NHYPER, NSTATE, NSTATS, SEG_BYTES, SEG_START, SEG_LENGTH, SEG_PADDED, SEG_LR, SEG_WD, SEG_SUMS, SEG_STATE, NSEGSTATE, SEG_MOVED } from './layout';
