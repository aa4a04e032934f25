// What the two ELRA rules share: their own update (no base), an initial LR of 1e-5, and the
// minibatch loss with every step (their acceptance test and retrace use it).
export const elra = { bases: ['none'], step: 'loss', schedule: 'step', lr: 1e-5 } as const;
