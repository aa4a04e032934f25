// The rules, in the order that gives each its id in the module (scripts/rules.mjs generates
// the module's dispatch from this list). Adding a rule: its kernel (assembly/rules/<id>.ts),
// its description (here), its doc (docs/rules/<id>.md), its reference and its tests.
import constant from './constant.js';
import c2min from './c2min.js';
import p2min from './p2min.js';
import clara from './clara.js';
import csa from './csa.js';
import gala from './gala.js';
import secant from './secant.js';
import glyder from './glyder.js';
import dadapt from './dadapt.js';
import prodigy from './prodigy.js';
import dog from './dog.js';
import schedulefree from './schedulefree.js';

export const RULE_LIST = Object.freeze([constant, c2min, p2min, clara, csa, gala, secant, glyder, dadapt, prodigy, dog, schedulefree] as const);
export type RuleName = (typeof RULE_LIST)[number]['id'];
/** The rule create() uses when `rule` is left out. */
export const DEFAULT_RULE = constant.id;
