/**
 * The input fields of a workflow, read-only (a table) and as form rows (create and edit). Rows are
 * plain fields, so the form works without script: a few empty rows follow the filled ones, and
 * each save gives a few more.
 */
import type { FC } from 'hono/jsx';
import type { JsonSchema } from '../../../schema';
import { constraintsText } from '../../components/webhook/schema-tree';
import { FIELD_TYPES, typeKeyOf, typeWords, type FieldRow } from './input-fields';
import { inputFieldsOf } from './propose-mapping';

/** Empty rows offered after the filled ones. */
export const SPARE_ROWS = 3;

/** The workflow's input fields as a table: name, type, required, and any rules beyond the type. */
export const InputFieldsTable: FC<{ schema: JsonSchema; caption: string }> = ({ schema, caption }) => {
  const fields = inputFieldsOf(schema);
  if (fields.length === 0) {
    return <p>No input fields: the workflow takes any JSON object as its input.</p>;
  }
  return (
    <table class="input-fields" tabindex={0}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Type</th>
          <th scope="col">Required</th>
        </tr>
      </thead>
      <tbody>
        {fields.map((f) => {
          const rules = constraintsText(f.schema);
          return (
            <tr>
              <th scope="row">
                <code>{f.field}</code>
              </th>
              <td>
                {typeWords(f.schema)}
                {rules.length > 0 && <span class="muted"> — {rules.join('; ')}</span>}
              </td>
              <td>{f.required ? 'required' : 'optional'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
};

function own(record: Record<string, JsonSchema> | undefined, key: string): JsonSchema | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

const FieldRowInputs: FC<{ row: FieldRow; index: number; source: JsonSchema; idPrefix: string }> = ({ row, index, source, idPrefix }) => {
  const id = `${idPrefix}-${index}`;
  const kept = row.original === '' ? undefined : own(source.properties, row.original);
  // "As it is" only where the field says more than a plain type (a format, bounds, nested fields).
  const offerKeep = row.original !== '' && (row.type === 'keep' || (kept !== undefined && typeKeyOf(kept) === 'keep'));
  return (
    <fieldset class="input-field-row">
      <legend>{`Input field ${index + 1}`}</legend>
      <input type="hidden" name={`field_${index}_original`} value={row.original} />
      <div class="field">
        <label for={`${id}-name`}>Name</label>
        <input type="text" id={`${id}-name`} name={`field_${index}_name`} value={row.name} autocomplete="off" spellcheck={false} />
      </div>
      <div class="field">
        <label for={`${id}-type`}>Type</label>
        <select id={`${id}-type`} name={`field_${index}_type`}>
          {offerKeep && (
            <option value="keep" selected={row.type === 'keep'}>{`as it is: ${typeWords(kept ?? {})}`}</option>
          )}
          {FIELD_TYPES.map((t) => (
            <option value={t.key} selected={row.type === t.key}>
              {t.label}
            </option>
          ))}
        </select>
      </div>
      <label class="checkbox">
        <input type="checkbox" name={`field_${index}_required`} value="1" checked={row.required} /> Required
      </label>
    </fieldset>
  );
};

/**
 * The rows of the input fields, then `SPARE_ROWS` empty ones. `source` is the schema an "as it is"
 * row keeps its rules from (the current contract, or the webhook a new workflow starts from).
 */
export const FieldRowsFieldset: FC<{ rows: readonly FieldRow[]; source: JsonSchema; idPrefix: string; spare?: number }> = ({ rows, source, idPrefix, spare }) => {
  const all: FieldRow[] = [...rows, ...Array.from({ length: spare ?? SPARE_ROWS }, (): FieldRow => ({ name: '', type: 'string', required: false, original: '' }))];
  return (
    <fieldset class="input-fields-rows" aria-describedby={`${idPrefix}-hint`}>
      <legend>Input fields</legend>
      <p id={`${idPrefix}-hint`} class="hint">
        What each run receives as <code>input</code>. Leave a name empty to leave the row out (or to remove a field); need more rows? Save, and the form offers{' '}
        {SPARE_ROWS} more.
      </p>
      {all.map((row, i) => (
        <FieldRowInputs row={row} index={i} source={source} idPrefix={idPrefix} />
      ))}
    </fieldset>
  );
};
