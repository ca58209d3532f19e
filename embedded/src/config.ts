import * as z from 'zod';

/** The embedded runtime's settings, from the environment (parsed once at start). */
export const EmbeddedConfig = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  DATA_DIR: z.string().min(1).default('./.clickstream'),
  /** How often the process service runs (seconds); its serverless.yml default is meant for AWS. */
  PROCESS_INTERVAL_SECONDS: z.coerce.number().positive().default(30),
  /** Worker threads a large processing run is split over (by user); default: the machine's cores, at most 8. */
  PROCESS_THREADS: z.coerce.number().int().min(1).max(8).optional(),
  /**
   * Other schedule overrides: `service.function=rate(1 minute)` or `service.function=5000` (ms),
   * comma-separated.
   */
  SCHEDULE_OVERRIDES: z
    .string()
    .default('')
    .transform((s, ctx) => {
      const out: Record<string, string | number> = {};
      for (const part of s.split(',').map((p) => p.trim()).filter(Boolean)) {
        const eq = part.indexOf('=');
        if (eq <= 0) {
          ctx.addIssue({ code: 'custom', message: `"${part}" is not service.function=schedule` });
          return z.NEVER;
        }
        const value = part.slice(eq + 1).trim();
        out[part.slice(0, eq).trim()] = /^\d+$/.test(value) ? Number(value) : value;
      }
      return out;
    }),
  /**
   * How long the durable log keeps records already rolled into raw files (Kinesis's retention
   * period), hours.
   */
  STREAM_RETENTION_HOURS: z.coerce.number().positive().default(168),
  /**
   * The console's sign-in settings, passed through to console-api (which validates them):
   * ADMIN_PASSWORD sets the local admin's password (first start; later starts reset it to it);
   * OIDC_* switch to an identity provider instead of local accounts.
   */
  ADMIN_PASSWORD: z.string().optional(),
  OIDC_ISSUER: z.string().optional(),
  OIDC_AUDIENCE: z.string().optional(),
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_ROLES_CLAIM: z.string().optional(),
  OIDC_JWKS_URI: z.string().optional(),
  OIDC_ROLE_MAP: z.string().optional(),
  /** Comma-separated proxies whose X-Forwarded-For is believed. */
  TRUSTED_PROXIES: z
    .string()
    .default('127.0.0.1,::1')
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)),
});
export type EmbeddedConfig = z.infer<typeof EmbeddedConfig>;
