/** The source of "now", injected everywhere so tests can move time (defined with the timers). */
export { type Clock, systemClock } from './timers.js';
