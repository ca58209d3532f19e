/** @jsxRuntime automatic */
// A few line icons (inline SVG, no icon font); decorative, so hidden from assistive technology.
const paths: Record<string, string> = {
  chart: 'M3 13h2v4H3zM8 9h2v8H8zM13 5h2v12h-2z',
  explore: 'M10 3a7 7 0 1 0 4.4 12.4l3.3 3.3 1.4-1.4-3.3-3.3A7 7 0 0 0 10 3zm0 2a5 5 0 1 1 0 10 5 5 0 0 1 0-10z',
  data: 'M4 5c0-1.1 2.7-2 6-2s6 .9 6 2v10c0 1.1-2.7 2-6 2s-6-.9-6-2zm0 5c0 1.1 2.7 2 6 2s6-.9 6-2M4 5c0 1.1 2.7 2 6 2s6-.9 6-2',
  pipeline: 'M2 8h4v4H2zM8 8h4v4H8zM14 8h4v4h-4zM6 10h2M12 10h2',
  apps: 'M3 3h6v6H3zM11 3h6v6h-6zM3 11h6v6H3zM11 11h6v6h-6z',
  warn: 'M10 2l8 15H2zM10 8v4M10 14v1',
  menu: 'M3 5h14M3 10h14M3 15h14',
  users: 'M7 9a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM2 17c0-3 2.2-5 5-5s5 2 5 5M13 9a2.5 2.5 0 1 0 0-5M14 12c2.4.3 4 2.2 4 5',
};

export function Icon({ name, size = 16 }: { name: keyof typeof paths; size?: number }) {
  const filled = name === 'chart' || name === 'explore';
  return (
    <svg width={size} height={size} viewBox="0 0 20 20" aria-hidden="true" focusable="false">
      <path d={paths[name]} fill={filled ? 'currentColor' : 'none'} stroke={filled ? 'none' : 'currentColor'} strokeWidth="1.6" strokeLinejoin="round" />
    </svg>
  );
}

export function Logo() {
  return (
    <svg width="22" height="22" viewBox="0 0 16 16" aria-hidden="true">
      <rect width="16" height="16" rx="3" fill="#2f5bea" />
      <path d="M4 11l3-4 2 2 3-4" stroke="#fff" strokeWidth="1.6" fill="none" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
