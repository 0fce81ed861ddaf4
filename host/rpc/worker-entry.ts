// The script a process's worker thread starts with: the platform's port to the kernel
// thread, with the control plane listening on it.
import { threadPlatform } from '../process/thread.js';
import { exposeRuntime } from './expose.js';

exposeRuntime((await threadPlatform()).parent());
