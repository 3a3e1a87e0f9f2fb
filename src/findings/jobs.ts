/** The job that turns a stored scan into findings (queued by the upload, run by the worker). */
export const scanProcessJobKind = 'scan.process';
