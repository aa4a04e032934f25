// constant: the base optimizer at the learning rate the caller sets (opt.setLr for schedules).
import { BASES } from '../bases.js';
import { defineRule } from './define.js';

export default defineRule({ id: 'constant', bases: BASES, step: 'plain', schedule: 'lr', setLr: true, options: {}, stats: [] });
