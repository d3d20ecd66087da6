/**
 * What the webhook resource view shows beyond the control API's own answers (those are imported
 * from shared/control/responses.ts): the handlers as the page joins them, the last action's
 * outcome, and everything the page renders. The route loads it; components only render it.
 */
import type { EventView, KeptRequestView, RefusalView, TriggerClass, WebhookView } from '../../../control/responses';
import type { Mapping } from '../../../schema/mapping';
import type { ApiProblem } from '../../api-client';
import type { HourCount } from '../../chart';
import type { IssueView, ProposalView } from '../issues/types';

/** A workflow that handles this webhook's requests: the trigger's class and, for class B, its mapping. */
export interface Handler {
  id: string;
  name: string;
  enabled: boolean;
  class: TriggerClass;
  mapping: Mapping | null;
}

/** What the last action left for the person to read: done, or the next step after a refusal. */
export type Notice =
  | { kind: 'done'; message: string }
  | { kind: 'problem'; action: string; problem: ApiProblem };

/** Everything the page shows; a part is null when its endpoint could not be read. */
export interface WebhookPageData {
  webhook: WebhookView;
  handlers: Handler[];
  events: EventView[] | null;
  refusals: RefusalView[] | null;
  kept: KeptRequestView[] | null;
  hours: HourCount[] | null;
  /** Its open and acknowledged sender-health issues. */
  issues: IssueView[] | null;
  /** Schema changes proposed from what its senders send. */
  proposals: ProposalView[] | null;
  /** Names of workflows by id, for the runs of recent events. */
  workflowNames: Map<string, string>;
  notice: Notice | null;
}
