/**
 * Rules for the Domains page, appended to /assets/console.css as the resource view's are (the
 * CSP forbids inline styles): the records table scrolls in its own box at a phone's width.
 */
export const DOMAINS_CSS = `
.table-scroll { overflow-x: auto; max-width: 100%; }
.table-scroll:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.table-scroll table { min-width: 36rem; }
.table-scroll caption { text-align: left; font-weight: 600; padding: .25rem 0; }
section.domain { border-top: 1px solid var(--line); margin-top: 1.5rem; }
.domain-actions { display: flex; flex-wrap: wrap; gap: .75rem; align-items: flex-start; }
.remove-domain summary { cursor: pointer; font-weight: 600; color: var(--bad); padding: .45rem 0; }
.remove-domain[open] { flex-basis: 100%; }
`;
