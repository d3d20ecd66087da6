/**
 * The console's tab icon, an SVG (one file for every size, no binary in the repo): the accent
 * colour's rounded square with a white hook. Served as /assets/favicon.svg and at /favicon.ico,
 * which browsers and bookmark tools ask for without reading the page's `<link rel="icon">`.
 */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<rect width="32" height="32" rx="7" fill="#1d4ed8"/>
<path d="M20 7v11a6 6 0 0 1-12 0v-2" fill="none" stroke="#fff" stroke-width="3.2" stroke-linecap="round"/>
<path d="M5 17l3-4 3 4" fill="none" stroke="#fff" stroke-width="3.2" stroke-linecap="round" stroke-linejoin="round"/>
</svg>
`;
