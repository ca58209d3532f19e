/** Kinds of sites the channel rules tell apart (GA4's "source categories"). */
export const SourceCategories = ['search', 'social', 'video', 'email'] as const;
export type SourceCategory = (typeof SourceCategories)[number];

/** Referrer hosts → the source name reported for them (the first match wins). */
const HOSTS: readonly (readonly [RegExp, string])[] = [
  [/^mail\.google\.com$/, 'gmail'],
  [/^(outlook\.live|outlook\.office|outlook\.office365)\.com$/, 'outlook'],
  [/^mail\.yahoo\.[a-z.]+$/, 'yahoo mail'],
  [/^(www\.)?google\.[a-z.]+$/, 'google'],
  [/(^|\.)bing\.com$/, 'bing'],
  [/(^|\.)search\.yahoo\.[a-z.]+$|^(www\.)?yahoo\.co\.jp$/, 'yahoo'],
  [/(^|\.)duckduckgo\.com$/, 'duckduckgo'],
  [/(^|\.)baidu\.com$/, 'baidu'],
  [/(^|\.)yandex\.[a-z.]+$|^ya\.ru$/, 'yandex'],
  [/(^|\.)ecosia\.org$/, 'ecosia'],
  [/^search\.naver\.com$/, 'naver'],
  [/^search\.daum\.net$/, 'daum'],
  [/(^|\.)ask\.com$/, 'ask'],
  [/^search\.aol\.com$/, 'aol'],
  [/(^|\.)qwant\.com$/, 'qwant'],
  [/(^|\.)seznam\.cz$/, 'seznam'],
  [/(^|\.)sogou\.com$/, 'sogou'],
  [/(^|\.)so\.com$/, '360.cn'],
  [/(^|\.)startpage\.com$/, 'startpage'],
  [/^search\.brave\.com$/, 'brave'],
  [/(^|\.)(facebook\.com|fb\.com|fb\.me)$/, 'facebook'],
  [/(^|\.)instagram\.com$/, 'instagram'],
  [/(^|\.)(twitter\.com|x\.com)$|^t\.co$/, 'twitter'],
  [/(^|\.)linkedin\.com$|^lnkd\.in$/, 'linkedin'],
  [/(^|\.)pinterest\.[a-z.]+$|^pin\.it$/, 'pinterest'],
  [/(^|\.)reddit\.com$/, 'reddit'],
  [/(^|\.)tiktok\.com$/, 'tiktok'],
  [/(^|\.)snapchat\.com$/, 'snapchat'],
  [/(^|\.)whatsapp\.(com|net)$|^wa\.me$/, 'whatsapp'],
  [/^t\.me$|(^|\.)telegram\.org$/, 'telegram'],
  [/(^|\.)vk\.com$/, 'vk'],
  [/(^|\.)weibo\.(com|cn)$/, 'weibo'],
  [/(^|\.)tumblr\.com$/, 'tumblr'],
  [/(^|\.)quora\.com$/, 'quora'],
  [/(^|\.)discord(app)?\.com$/, 'discord'],
  [/(^|\.)threads\.net$/, 'threads'],
  [/(^|\.)(youtube\.com|youtu\.be)$/, 'youtube'],
  [/(^|\.)vimeo\.com$/, 'vimeo'],
  [/(^|\.)twitch\.tv$/, 'twitch'],
  [/(^|\.)dailymotion\.com$/, 'dailymotion'],
  [/(^|\.)bilibili\.com$/, 'bilibili'],
];

/** Source names (from referrers above or from utm_source) per category. */
const NAMES: Record<SourceCategory, readonly string[]> = {
  search: ['google', 'bing', 'yahoo', 'duckduckgo', 'baidu', 'yandex', 'ecosia', 'naver', 'daum', 'ask', 'aol', 'qwant', 'seznam', 'sogou', '360.cn', 'startpage', 'brave'],
  social: [
    'facebook', 'fb', 'instagram', 'ig', 'twitter', 'x', 'linkedin', 'pinterest', 'reddit', 'tiktok', 'snapchat', 'whatsapp',
    'telegram', 'vk', 'weibo', 'tumblr', 'quora', 'discord', 'threads', 'meta',
  ],
  video: ['youtube', 'vimeo', 'twitch', 'dailymotion', 'bilibili'],
  email: ['gmail', 'outlook', 'yahoo mail'],
};

/** The source name of a referring host: a known site's name, else the host without `www.`. */
export function sourceOfHost(host: string): string {
  const h = host.toLowerCase();
  for (const [pattern, name] of HOSTS) if (pattern.test(h)) return name;
  return h.replace(/^www\./, '');
}

export type SourceCategoryNames = Partial<Record<SourceCategory, readonly string[]>>;

/** Looks source names up in the default lists plus any extra names an app configures. */
export function sourceCategories(extra: SourceCategoryNames = {}): (source: string) => SourceCategory | null {
  const byName = new Map<string, SourceCategory>();
  for (const category of SourceCategories) {
    for (const n of [...NAMES[category], ...(extra[category] ?? [])]) byName.set(n.toLowerCase(), category);
  }
  return (source) => {
    const s = source.toLowerCase();
    return byName.get(s) ?? (s.includes('.') ? (byName.get(sourceOfHost(s)) ?? null) : null);
  };
}
