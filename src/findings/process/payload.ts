import { z } from 'zod';

/** The payload the upload queues with `scanProcessJobKind`. */
export const scanProcessPayload = z.object({ scanId: z.string().min(1) });
