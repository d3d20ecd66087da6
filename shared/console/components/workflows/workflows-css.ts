/**
 * Rules for the workflow pages, appended to /assets/console.css as the resource view's and the
 * Domains page's are (the CSP forbids inline styles). The pages read well without them (everything
 * stacks); these put the input fields beside the payload on a wide screen, lay each input field's
 * row out on one line where it fits, and let long pointers and ids wrap at a phone's width.
 */
export const WORKFLOWS_CSS = `
.side-by-side { display: grid; gap: 0 1.5rem; grid-template-columns: repeat(auto-fit, minmax(min(100%, 22rem), 1fr)); align-items: start; }
.workflow-view .workflow-section { border-top: 1px solid var(--line); margin-top: 1.5rem; }
.workflow-view details { margin: .75rem 0; }
.workflow-view summary { cursor: pointer; font-weight: 600; color: var(--accent); }
fieldset.input-fields-rows { border: none; padding: 0; margin: 0; min-width: 0; }
fieldset.input-field-row { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: flex-end; margin: .5rem 0; min-width: 0; }
fieldset.input-field-row .field { flex: 1 1 12rem; min-width: 0; }
form.stack label.checkbox { display: inline-flex; gap: .4rem; align-items: center; font-weight: 400; padding: .5rem 0; }
table.input-fields code, table.payload-paths code, table.triggers code, table.handlers code { overflow-wrap: anywhere; }
`;
