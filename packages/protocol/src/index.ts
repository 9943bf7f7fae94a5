export * from './auth.js';
export * from './errors.js';
export * from './floor.js';
export * from './http.js';
export * from './media.js';
export * from './mediaRoom.js';
export * from './socket.js';
export * from './version.js';
