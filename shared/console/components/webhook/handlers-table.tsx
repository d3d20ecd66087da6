/**
 * Which workflows handle this webhook's requests: each with its trigger's class (A: the payload
 * already fits the workflow's input; B: a mapping reshapes it) and, for B, the mapping itself.
 */
import type { FC } from 'hono/jsx';
import type { Handler } from './types';

const CLASS_MEANING = {
  A: 'Class A: the payload fits the workflow’s input as it is',
  B: 'Class B: a mapping fills the workflow’s input from the payload',
} as const;

const MappingList: FC<{ mapping: Record<string, string> }> = ({ mapping }) => (
  <ul class="mapping">
    {Object.entries(mapping).map(([input, from]) => (
      <li>
        input <code>{input}</code> ← payload <code>{from}</code>
      </li>
    ))}
  </ul>
);

export const HandlersTable: FC<{ handlers: readonly Handler[] }> = ({ handlers }) => {
  if (handlers.length === 0) {
    return (
      <p>
        No workflow handles this webhook’s requests yet: accepted events start no run. Attach it as a trigger on the <a href="/workflows">Workflows</a> page.
      </p>
    );
  }
  return (
    <table class="handlers">
      <caption>{`${handlers.length} workflow${handlers.length === 1 ? ' starts' : 's start'} a run for each accepted event`}</caption>
      <thead>
        <tr>
          <th scope="col">Workflow</th>
          <th scope="col">Class</th>
          <th scope="col">Mapping</th>
          <th scope="col">State</th>
        </tr>
      </thead>
      <tbody>
        {handlers.map((h) => (
          <tr>
            <th scope="row">
              <a href={`/workflows#${h.id}`}>{h.name}</a> <code>{h.id}</code>
            </th>
            <td>
              <abbr title={CLASS_MEANING[h.class]}>{h.class}</abbr> <span class="muted">{CLASS_MEANING[h.class].slice(9)}</span>
            </td>
            <td>{h.mapping === null ? <span class="muted">none (payload passed as is)</span> : <MappingList mapping={h.mapping} />}</td>
            <td>{h.enabled ? 'enabled' : 'disabled: starts no runs'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
};
