import { z } from 'zod';

/** `GET /healthz` — for 5-minute URL monitoring (R21). */
export const HealthResponse = z.object({
  status: z.literal('ok'),
  version: z.string(),
  protocolVersion: z.number().int(),
  uptimeSeconds: z.number(),
  store: z.enum(['sqlite', 'firestore']),
  mediaWorkers: z.number().int().nonnegative(),
});
export type HealthResponse = z.infer<typeof HealthResponse>;
