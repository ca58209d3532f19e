import * as z from 'zod';

/** A Redshift COPY manifest (https://docs.aws.amazon.com/redshift/latest/dg/loading-data-files-using-manifest.html). */
export const CopyManifest = z.object({
  entries: z
    .array(
      z.object({
        url: z.string().min(1),
        mandatory: z.boolean(),
        // Required by COPY for Parquet and ORC.
        meta: z.object({ content_length: z.number().int().nonnegative() }),
      }),
    )
    .min(1),
});
export type CopyManifest = z.infer<typeof CopyManifest>;
