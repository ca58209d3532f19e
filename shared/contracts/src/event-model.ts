import * as z from 'zod';

/** Limits of the AWS Clickstream wire format; the process service turns violations into bad rows. */
export const EventLimits = {
  eventTypeLength: 50,
  attributeCount: 500,
  attributeNameLength: 50,
  attributeValueLength: 1024,
  userAttributeCount: 100,
  itemCount: 100,
} as const;

const Scalar = z.union([z.string(), z.number(), z.boolean()]);

export const UserAttribute = z.object({
  value: z.union([z.string(), z.number(), z.boolean(), z.null()]),
  set_timestamp: z.number().int().nonnegative().optional(),
});

export const Item = z
  .object({
    id: z.string().optional(),
    name: z.string().optional(),
    brand: z.string().optional(),
    category: z.string().optional(),
    category2: z.string().optional(),
    category3: z.string().optional(),
    category4: z.string().optional(),
    category5: z.string().optional(),
    price: z.number().optional(),
    quantity: z.number().optional(),
    currency: z.string().optional(),
    location_id: z.string().optional(),
    creative_name: z.string().optional(),
    creative_slot: z.string().optional(),
  })
  .catchall(Scalar);

/**
 * One event as the AWS Clickstream SDKs send it (one element of the request body's array).
 * Unknown top-level fields are kept: newer SDKs add fields and we must not reject them.
 */
export const ClickstreamEvent = z
  .object({
    event_type: z.string().min(1).max(EventLimits.eventTypeLength),
    event_id: z.uuid({ message: 'event_id must be a UUID' }),
    timestamp: z.number().int().positive(),
    app_id: z.string().min(1),
    unique_id: z.string().optional(),
    device_id: z.string().optional(),
    device_unique_id: z.string().optional(),
    platform: z.string().optional(),
    make: z.string().optional(),
    brand: z.string().optional(),
    model: z.string().optional(),
    os_name: z.string().optional(),
    os_version: z.string().optional(),
    locale: z.string().optional(),
    system_language: z.string().optional(),
    country_code: z.string().optional(),
    zone_offset: z.number().optional(),
    screen_height: z.number().optional(),
    screen_width: z.number().optional(),
    viewport_height: z.number().optional(),
    viewport_width: z.number().optional(),
    network_type: z.string().optional(),
    carrier: z.string().optional(),
    app_package_name: z.string().optional(),
    app_version: z.string().optional(),
    app_title: z.string().optional(),
    host_name: z.string().optional(),
    sdk_name: z.string().optional(),
    sdk_version: z.string().optional(),
    attributes: z
      .record(z.string().max(EventLimits.attributeNameLength), Scalar)
      .refine((a) => Object.keys(a).length <= EventLimits.attributeCount, {
        message: `at most ${EventLimits.attributeCount} attributes`,
      })
      .optional(),
    user: z
      .record(z.string(), UserAttribute)
      .refine((u) => Object.keys(u).length <= EventLimits.userAttributeCount, {
        message: `at most ${EventLimits.userAttributeCount} user attributes`,
      })
      .optional(),
    items: z.array(Item).max(EventLimits.itemCount).optional(),
  })
  .passthrough();
export type ClickstreamEvent = z.infer<typeof ClickstreamEvent>;

/** Preset event names the SDKs record automatically. */
export const PresetEvents = [
  '_first_open',
  '_session_start',
  '_page_view',
  '_screen_view',
  '_user_engagement',
  '_scroll',
  '_click',
  '_search',
  '_page_load',
  '_app_start',
  '_app_end',
  '_app_exception',
  '_app_update',
  '_os_update',
  '_profile_set',
  '_clickstream_error',
] as const;
