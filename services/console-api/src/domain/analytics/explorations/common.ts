import * as z from 'zod';

/** An event name as the warehouse stores it (a bound value, so any text the SDKs allow). */
export const EventName = z.string().min(1).max(1024);
