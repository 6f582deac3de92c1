export * from './command.js';
export * from './errors.js';
