/**
 * The webhook's payload schema as a readable tree (field, type, required, constraints) and a
 * sample payload it accepts. The service stores the schema, not the samples it was inferred from,
 * so the sample is the one a test event sends by default (shared/schema/example.ts).
 */
import type { FC } from 'hono/jsx';
import { exampleOf } from '../../../schema/example';
import type { JsonSchema } from '../../../schema';

function typeText(node: JsonSchema): string {
  const types = node.type === undefined ? ['any'] : Array.isArray(node.type) ? node.type : [node.type];
  const base = types.map((t) => (t === 'array' && node.items !== undefined ? `array of ${typeText(node.items)}` : t)).join(' or ');
  return node.format === undefined ? base : `${base} (${node.format})`;
}

/** Constraints in words: `one of "a", "b"`, `at least 1`, `matches ^p`. */
export function constraintsText(node: JsonSchema): string[] {
  const out: string[] = [];
  if (node.const !== undefined) out.push(`always ${JSON.stringify(node.const)}`);
  if (node.enum !== undefined) out.push(`one of ${node.enum.map((e) => JSON.stringify(e)).join(', ')}`);
  if (node.minLength !== undefined) out.push(`at least ${node.minLength} characters`);
  if (node.maxLength !== undefined) out.push(`at most ${node.maxLength} characters`);
  if (node.minimum !== undefined) out.push(`≥ ${node.minimum}`);
  if (node.maximum !== undefined) out.push(`≤ ${node.maximum}`);
  if (node.minItems !== undefined) out.push(`at least ${node.minItems} items`);
  if (node.maxItems !== undefined) out.push(`at most ${node.maxItems} items`);
  if (node.pattern !== undefined) out.push(`matches ${node.pattern}`);
  if (node.additionalProperties === false) out.push('no other fields');
  return out;
}

const SchemaNode: FC<{ name: string; node: JsonSchema; required: boolean }> = ({ name, node, required }) => {
  const children = Object.entries(node.properties ?? {});
  const itemProps = node.items?.properties === undefined ? [] : Object.entries(node.items.properties);
  const nested = children.length > 0 ? { node, entries: children } : itemProps.length > 0 && node.items !== undefined ? { node: node.items, entries: itemProps } : null;
  const constraints = constraintsText(node);
  return (
    <li>
      <code class="field-name">{name}</code> <span class="field-type">{typeText(node)}</span>
      {required ? <span class="badge">required</span> : <span class="badge muted">optional</span>}
      {constraints.length > 0 ? <span class="field-constraints"> — {constraints.join('; ')}</span> : null}
      {node.description === undefined ? null : <div class="field-description">{node.description}</div>}
      {nested === null ? null : (
        <ul>
          {nested.entries.map(([key, child]) => (
            <SchemaNode name={nested.node === node ? key : `[] ${key}`} node={child} required={(nested.node.required ?? []).includes(key)} />
          ))}
        </ul>
      )}
    </li>
  );
};

/** `showSample: false` for a schema not in force yet (a change under check): a test event would not send its sample. */
export const SchemaTree: FC<{ schema: JsonSchema; showSample?: boolean }> = ({ schema, showSample = true }) => {
  const fields = Object.entries(schema.properties ?? {});
  return (
    <div class="schema">
      {fields.length === 0 ? (
        <p>{showSample ? 'Any JSON object is accepted: this webhook has no field rules yet. Give it a sample payload below to infer them.' : 'Any JSON object is accepted: no field rules.'}</p>
      ) : (
        <ul class="schema-tree" aria-label="Payload fields">
          {fields.map(([key, child]) => (
            <SchemaNode name={key} node={child} required={(schema.required ?? []).includes(key)} />
          ))}
        </ul>
      )}
      {schema.additionalProperties === false ? <p>Fields not listed are refused.</p> : fields.length > 0 ? <p>Fields not listed are accepted and passed on.</p> : null}
      {showSample ? (
        <>
          <h3>Sample: what a test event sends by default</h3>
          <pre class="sample" tabindex={0}>
            <code>{JSON.stringify(exampleOf(schema), null, 2)}</code>
          </pre>
        </>
      ) : null}
    </div>
  );
};
