/** Main's atomic writes are the engine's (one implementation for all user data). */
export { writeFileAtomic, writeFolderAtomic, writeJsonAtomic } from '../../engine/storage/atomic.ts';
