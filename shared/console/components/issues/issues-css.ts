/**
 * Rules for the Issues pages, the open-issues badges and the schema proposals in the resource view,
 * appended to /assets/console.css as the other pages' are (the CSP forbids inline styles). Every
 * badge says what it means in words; the colour only repeats it. At a phone's width the issue
 * tables scroll in their own box and the filters stack, so the page never scrolls sideways.
 */
export const ISSUES_CSS = `
.badge.warn { color: var(--warn); }
a.badge { text-decoration: none; }
a.badge:hover, a.badge:focus-visible { text-decoration: underline; }
header.site nav .nav-count { display: inline-block; min-width: 1.4rem; margin-left: .3rem; padding: 0 .4rem; border-radius: 999px; border: 1px solid var(--bad); color: var(--bad); font-size: .8rem; text-align: center; }
form.filters { display: flex; flex-wrap: wrap; gap: .75rem 1rem; align-items: flex-end; margin: 0 0 1rem; }
form.filters .field { flex: 1 1 11rem; min-width: 0; }
form.filters .field label { font-weight: 600; display: block; }
.issue-view section, .issues-page section { border-top: 1px solid var(--line); margin-top: 1.5rem; }
.issue-actions { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin: .5rem 0 1rem; }
ol.timeline { list-style: none; padding: 0; margin: .5rem 0; }
ol.timeline li { padding: .25rem 0 .25rem 1rem; border-left: 3px solid var(--line); }
.summary-text { font-size: 1.05rem; }
.replay-result { border: 1px solid var(--ok); background: var(--ok-bg); border-radius: 4px; padding: .75rem 1rem; margin: 0 0 1rem; }
.next-step { border: 1px solid var(--line); border-radius: 4px; padding: .75rem 1rem; margin: 0 0 1rem; }
.next-step p { margin: .25rem 0; }
ul.issue-list li { margin: .5rem 0; }
.proposal { border: 1px solid var(--line); border-radius: 4px; padding: .75rem 1rem; margin: .75rem 0; min-width: 0; }
.proposal h3, .proposal h4 { margin: .25rem 0 .5rem; }
ul.diff { list-style: none; padding: 0; margin: .25rem 0 .75rem; }
ul.diff li { margin: .25rem 0; }
ul.diff .op { font-weight: 600; }
ul.compact { margin: .25rem 0 .75rem; padding-left: 1.25rem; }
.proposal-actions { display: flex; flex-wrap: wrap; gap: .5rem; margin-top: .5rem; }
table.issues caption, table.samples caption, table.top-paths caption { text-align: left; color: var(--muted); padding: .25rem 0; }
table.issues .issue-summary { font-weight: 400; }
table.issues time, table.samples time { white-space: nowrap; }
@media (max-width: 40rem) {
  /* The issue column keeps a readable width; the other columns scroll inside the table's own box. */
  table.issues th[scope="row"] { min-width: 15rem; }
}
table.issues code, table.samples code, table.top-paths code { overflow-wrap: anywhere; }
`;
