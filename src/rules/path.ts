// What the two cumulated-path rules share (their docs/rules/<id>.md): the bases, the path
// vector, the LR as state, and the options c, damping and the LR bounds.
import { nonNegative, positive } from '../bases.js';
import { num, openUnit, upTo, etaBounds } from './define.js';

export const path = {
  bases: ['sgd', 'adam'], step: 'plain', schedule: 'step', vectors: ['path'], state: { eta: 'nonNegative' }, validate: etaBounds(),
} as const;
export const pathOptions = {
  c: num(0.2, openUnit), damping: num(1e-3, positive), etaMin: num(0, nonNegative), etaMax: num(Infinity, upTo('bound')),
};
