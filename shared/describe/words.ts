/**
 * The words of a description, as the drafting rules read them: accents folded (so "clínica" stays
 * usable as "clinica"), lower case, possessives marked, and the word lists that tell the sender, the
 * thing and what happened apart from the filler around them. Deterministic: no model, no locale.
 */

export interface Word {
  /** Folded, lower-case form: what the rules compare. */
  text: string;
  /** The word as written, for names ("EHR" stays upper case). */
  original: string;
  /** Written with a possessive ("patient's"): the owner of the next noun, not the thing itself. */
  possessive: boolean;
}

/** Folds accents and ligatures to ASCII where Unicode knows how: `Überweisung` → `Uberweisung`. */
export function foldAccents(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss')
    .replace(/[æÆ]/g, (c) => (c === 'æ' ? 'ae' : 'AE'))
    .replace(/[øØ]/g, (c) => (c === 'ø' ? 'o' : 'O'))
    .replace(/[łŁ]/g, (c) => (c === 'ł' ? 'l' : 'L'));
}

/** The description's words in order; JSON samples must be cut out before (json-in-text.ts). */
export function wordsOf(text: string): Word[] {
  const words: Word[] = [];
  for (const match of foldAccents(text).matchAll(/([A-Za-z0-9]+)(['’]s\b)?/g)) {
    const original = match[1] ?? '';
    words.push({ text: original.toLowerCase(), original, possessive: match[2] !== undefined });
  }
  return words;
}

/**
 * Filler in the languages people most often write descriptions in here: articles, pronouns,
 * prepositions, auxiliaries and the request itself ("please create"). None of these names a sender,
 * a thing or an event.
 */
export const FILLER = new Set(
  [
    // English
    'a an the and or but so our ours us we you your i me my mine it its they them their this that these those',
    'which who whom whose what when whenever where while if once after before during every each any some all',
    'is are was were be been being am has have had do does did can could should would will shall may might must',
    'let lets please want wants need needs like just also there here to of for from in on at by with into onto',
    'about as via using use up set get gets got getting someone somebody something anyone anything one ones',
    'not only then than too very really make makes made create creates add adds build builds register give',
    'new time times whatever kind sort s',
    // Spanish, Portuguese, French, German, Italian: the commonest function words
    'el la los las un una unos unas de del al y o que cuando se su sus nuestro nuestra por para con en es crear',
    'o os as um uma do da dos das e quando seu sua nosso nossa por para com em criar',
    'le les un une des du de et ou que quand se son sa ses notre nos pour avec en dans est creer',
    'der die das den dem des ein eine einen einem und oder wenn sich sein seine unser unsere fur mit im in ist wird erstellen',
    'il lo gli i una uno di del della e o che quando si suo sua nostro nostra per con in crea creare',
  ]
    .join(' ')
    .split(' '),
);

/**
 * Words about the webhook itself or its plumbing: they say how events travel, not which events.
 * `events` and `notifications` are kept apart (EVENT_NOUNS): with no action named they end the slug.
 */
export const PLUMBING = new Set(
  [
    'webhook webhooks hook hooks endpoint endpoints url urls callback callbacks inbound incoming http https',
    'request requests post posts posted send sends sent sending notify notifies notified notifying tell tells',
    'inform informs alert alerts ping pings call calls trigger triggers triggered receive receives',
    'system systems platform app apps application service services tool tools integration portal server',
    'json payload payloads body sample example examples looks look following format like such',
    // How the sender authenticates: auth-hints.ts reads these; they never name the event.
    'hmac signature signatures signed signs sign signing header headers token tokens bearer auth authentication',
    'authenticated unauthenticated authorization secret secrets shared key keys api hex base64 sha1 sha256 sha512',
    'digest encoded encoding prefix timestamp no none open public internal private network networks vpn',
  ]
    .join(' ')
    .split(' '),
);

/** Nouns for "events in general": the slug's last word when no action is named. */
export const EVENT_NOUNS = new Set(['event', 'events', 'notification', 'notifications', 'update', 'updates', 'change', 'changes']);

/**
 * What happened, as the slug says it (past participle), from the forms people write. Only words
 * that are rarely anything but the action are listed: "order" or "sign" would misfire.
 */
const ACTIONS: Record<string, string> = {};
function action(participle: string, forms: string): void {
  for (const form of forms.split(' ')) ACTIONS[form] = participle;
  ACTIONS[participle] = participle;
}
action('updated', 'update updates updating modified modifies modify edited edits edit');
action('created', 'creates creating');
action('deleted', 'delete deletes deleting removed removes remove');
action('changed', 'changes changing');
action('cancelled', 'cancel cancels canceled cancelling canceling');
action('completed', 'complete completes completing finished finishes finish');
action('failed', 'fail fails failing');
action('succeeded', 'succeed succeeds');
action('paid', 'pay pays paying');
action('refunded', 'refund refunds refunding');
action('shipped', 'ship ships shipping');
action('delivered', 'deliver delivers delivering');
action('submitted', 'submit submits submitting');
action('approved', 'approve approves approving');
action('rejected', 'reject rejects rejecting declined declines');
action('scheduled', 'schedule schedules scheduling');
action('rescheduled', 'reschedule reschedules');
action('booked', 'book books booking');
action('admitted', 'admit admits admitting');
action('discharged', 'discharge discharges discharging');
action('transferred', 'transfer transfers transferring');
action('received', 'arrive arrives arrived arriving comes');
action('opened', 'open opens opening');
action('closed', 'close closes closing');
action('merged', 'merge merges merging');
action('pushed', 'push pushes pushing');
action('assigned', 'assign assigns assigning');
action('uploaded', 'upload uploads uploading');
action('subscribed', 'subscribe subscribes');
action('renewed', 'renew renews renewing');
action('expired', 'expire expires expiring');
action('started', 'start starts starting');
action('published', 'publish publishes publishing');
action('confirmed', 'confirm confirms confirming');
action('resolved', 'resolve resolves resolving');
action('escalated', 'escalate escalates escalating');
action('registered', 'registers registering');
action('signed-up', 'signup signups');
// Spanish, Portuguese, French, German: the commonest "was updated / created" forms.
action('updated', 'actualiza actualizado actualizada atualiza atualizado atualizada modifie aktualisiert geandert');
action('created', 'creado creada criado criada cree erstellt angelegt');
action('deleted', 'eliminado eliminada excluido supprime geloscht');
// Adjectives that end an event name as they are ("lab result ready").
for (const state of ['ready', 'available', 'overdue', 'due', 'late', 'missed']) ACTIONS[state] = state;

/** The slug's word for what happened, when `word` names an action. */
export function actionOf(word: string): string | undefined {
  return Object.hasOwn(ACTIONS, word) ? ACTIONS[word] : undefined;
}

/** Short upper-case words kept upper case in a name ("EHR chart updated"). */
export function isAcronym(word: Word): boolean {
  return word.original.length >= 2 && word.original.length <= 5 && word.original === word.original.toUpperCase() && /[A-Z]/.test(word.original);
}
