/**
 * Rules for the webhook resource view and its chart, appended to /assets/console.css (the CSP
 * forbids inline styles, and the chart's SVG uses presentation attributes only).
 */
export const WEBHOOK_VIEW_CSS = `
.page-toc ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; padding: 0; margin: 0 0 1rem; }
.webhook-view section { border-top: 1px solid var(--line); margin-top: 1.5rem; }
.webhook-view details { margin: .75rem 0; }
.webhook-view summary { cursor: pointer; font-weight: 600; color: var(--accent); }
ul.plain, ul.secrets, ul.runs, ul.mapping { list-style: none; padding: 0; margin: 0; }
ul.plain li, ul.secrets li { margin: .25rem 0; }
form.inline { display: inline; margin: 0; }
fieldset { border: 1px solid var(--line); border-radius: 4px; padding: .75rem 1rem; }
fieldset label { font-weight: 400; }
input[type="number"] { padding: .5rem; border: 1px solid #6b7280; border-radius: 4px; font: inherit; width: 10rem; }
.schema-tree, .schema-tree ul { list-style: none; padding-left: 1.25rem; margin: .25rem 0; }
.schema-tree { padding-left: 0; }
.schema-tree li { margin: .2rem 0; }
.field-type { color: var(--muted); }
.badge.muted { color: var(--muted); }
.requests-chart { margin: 0; }
.requests-chart figcaption { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; font-weight: 600; }
.chart-legend { display: flex; gap: 1.5rem; list-style: none; padding: 0; margin: 0; font-weight: 400; }
.chart-legend svg { vertical-align: middle; }
svg.chart { max-width: 48rem; height: auto; display: block; }
/* The chart scales down with the screen, and its text with it: on a phone the labels are drawn at
   twice their size in the chart's own units (about 11 px on screen), and every other hour is left out. */
@media (max-width: 40rem) {
  svg.chart text { font-size: 22px; }
  svg.chart text.minor { display: none; }
}
`;
