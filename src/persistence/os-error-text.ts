/**
 * glibc's strerror(3) text for the errno codes file I/O can meet, as Redis prints them in logs
 * and in `-MISCONF Errors writing to the AOF file: <text>`. Node only gives libuv's own wording
 * ("no space left on device, write"), so the text is looked up by the error's code.
 */
const STRERROR = new Map<string, string>([
  ['EPERM', 'Operation not permitted'],
  ['ENOENT', 'No such file or directory'],
  ['EINTR', 'Interrupted system call'],
  ['EIO', 'Input/output error'],
  ['ENXIO', 'No such device or address'],
  ['EBADF', 'Bad file descriptor'],
  ['EAGAIN', 'Resource temporarily unavailable'],
  ['ENOMEM', 'Cannot allocate memory'],
  ['EACCES', 'Permission denied'],
  ['EEXIST', 'File exists'],
  ['ENODEV', 'No such device'],
  ['ENOTDIR', 'Not a directory'],
  ['EISDIR', 'Is a directory'],
  ['EINVAL', 'Invalid argument'],
  ['ENFILE', 'Too many open files in system'],
  ['EMFILE', 'Too many open files'],
  ['EFBIG', 'File too large'],
  ['ENOSPC', 'No space left on device'],
  ['ESPIPE', 'Illegal seek'],
  ['EROFS', 'Read-only file system'],
  ['EPIPE', 'Broken pipe'],
  ['EDQUOT', 'Disk quota exceeded'],
  ['ESTALE', 'Stale file handle'],
]);

/** strerror(3) of an errno code (`'ENOSPC'` → `'No space left on device'`). */
export function strerror(code: string): string {
  return STRERROR.get(code) ?? `Unknown error ${code}`;
}

/** The errno code of a thrown system error (EIO when it carries none). */
export function errnoCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : 'EIO';
}
