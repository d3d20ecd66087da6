/**
 * The words of a description, as the drafting rules read them: accents folded (so "clínica" stays
 * usable as "clinica"), lower case, possessives marked, and the word lists that tell the sender, the
 * thing and what happened apart from the filler around them. Deterministic: no model, no locale.
 */

export interface Word {
  /** Folded, lower-case form: what the rules compare. A phrase merged into one unit has hyphens. */
  text: string;
  /** The word as written, for names ("EHR" stays upper case). */
  original: string;
  /** Written with a possessive ("patient's"): the owner of the next noun, not the thing itself. */
  possessive: boolean;
  /** Punctuation follows it (`,` `;` `—` `(` `.` before a space): a clause or an aside ends here. */
  endsClause: boolean;
  /** A phrase that names what happened as a whole ("picks up" → `picked-up`), set by vocabulary.ts. */
  fixedAction?: string;
  /** A phrase merged into one unit by vocabulary.ts ("pull request"): a thing, whatever its words. */
  phrase?: true;
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

/** "they're" → they are: contractions read as the words they stand for, not as a word "re". */
const CONTRACTIONS: Record<string, string> = { re: 'are', ve: 'have', ll: 'will', d: 'would', m: 'am' };
/** "can't" splits as `can` + `t`, "won't" as `won` + `t`: the auxiliary each stands for. */
const NEGATED: Record<string, string> = { won: 'will', ca: 'can', can: 'can', don: 'do', doesn: 'does', didn: 'did', isn: 'is', aren: 'are', wasn: 'was', weren: 'were', hasn: 'has', haven: 'have', hadn: 'had', couldn: 'could', shouldn: 'should', wouldn: 'would', mustn: 'must', ain: 'is' };
/** Pronouns whose `'s` is "is" or "has", never a possessive ("it's final"). */
const S_IS = new Set(['it', 'that', 'there', 'what', 'here', 'he', 'she', 'who', 'where', 'how', 'let', 'this']);
/** French and Italian elided articles and prepositions: "l'ordonnance" is the word "ordonnance". */
const ELIDED = new Set(['l', 'd', 'qu', 'n', 's', 'j', 'c', 'm', 't', 'dell', 'nell', 'all', 'sull', 'dall', 'un']);
/** Punctuation that ends a clause or opens an aside, when it stands between two words. */
const CLAUSE_PUNCTUATION = /[,;!?()—–]|[.:](?:\s|$)|\s-\s/;

/** The description's words in order; JSON samples must be cut out before (json-in-text.ts). */
export function wordsOf(text: string): Word[] {
  const folded = foldAccents(text);
  const words: Word[] = [];
  const push = (text: string, original: string, possessive = false) => words.push({ text, original, possessive, endsClause: false });
  let lastEnd = 0;
  for (const match of folded.matchAll(/([A-Za-z0-9]+(?:-[A-Za-z0-9]+)*)(?:['’]([A-Za-z]+)(?![A-Za-z0-9-]))?/g)) {
    const previous = words[words.length - 1];
    if (previous !== undefined) previous.endsClause = CLAUSE_PUNCTUATION.test(folded.slice(lastEnd, match.index));
    lastEnd = match.index + match[0].length;
    const original = match[1] ?? '';
    const lower = original.toLowerCase();
    const suffix = match[2]?.toLowerCase();
    if (suffix === undefined) push(lower, original);
    else if (suffix === 's') {
      if (S_IS.has(lower)) {
        push(lower, original);
        push('is', 'is');
      } else push(lower, original, true);
    } else if (suffix === 't' && Object.hasOwn(NEGATED, lower)) {
      push(NEGATED[lower] ?? lower, original);
      push('not', 'not');
    } else if (Object.hasOwn(CONTRACTIONS, suffix)) {
      push(lower, original);
      push(CONTRACTIONS[suffix] ?? suffix, suffix);
    } else if (ELIDED.has(lower)) {
      const word = match[0].slice(original.length + 1);
      push(word.toLowerCase(), word);
    } else push(`${lower}${suffix}`, match[0].replace(/['’]/, ''));
  }
  const last = words[words.length - 1];
  if (last !== undefined) last.endsClause = true;
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
    'new time times whatever kind sort s he she his her him way basically ideally actually hi hello hey thanks ok okay',
    'goes going gone go happens happen happened soon right away immediately between within inside under over online',
    // Spanish, Portuguese, French, German, Italian: the commonest function words
    'el la los las un una unos unas de del al y o que cuando se su sus nuestro nuestra por para con en es crear',
    'nuevo nueva nuevos nuevas fue esta sea avisar notificar',
    'o os as um uma do da dos das e quando seu sua nosso nossa por para com em criar no na nos nas novo nova novos novas foi fica',
    'le les un une des du de et ou que quand se son sa ses notre nos pour avec en dans est creer nouveau nouvelle nouveaux nouvelles vous',
    'der die das den dem des ein eine einen einem und oder wenn sich sein seine unser unsere fur mit im in ist wird erstellen neu neue neuer neues wurde',
    'il lo gli i una uno di del della e o che quando si suo sua nostro nostra per con in crea creare nuovo nuova',
  ]
    .join(' ')
    .split(' '),
);

/** "a new referral": these before the thing, with no verb, mean it was created. */
export const NEW_WORDS = new Set('new nuevo nueva nuevos nuevas novo nova novos novas nouveau nouvelle nouveaux nouvelles neu neue neuer neues nuovo nuova'.split(' '));

/**
 * Words about the webhook itself or its plumbing: they say how events travel, not which events.
 * `events` and `notifications` are kept apart (EVENT_NOUNS): with no action named they end the slug.
 */
export const PLUMBING = new Set(
  [
    'webhook webhooks hook hooks endpoint endpoints url urls callback callbacks inbound incoming outbound outgoing http https',
    'request requests post posts posted send sends sent sending notify notifies notified notifying tell tells',
    'inform informs alert alerts ping pings trigger triggers triggered receive receives know hear',
    'system systems platform app apps application service services tool tools integration portal server',
    'partner partners vendor vendors provider providers supplier suppliers sistema sistemas systeme',
    'json payload payloads body example examples looks look following format like such',
    // How the sender authenticates: auth-hints.ts reads these; they never name the event.
    'hmac signature signatures signed signs sign signing header headers token tokens bearer auth authentication',
    'authenticated unauthenticated authorization secret secrets shared key keys api hex base64 sha1 sha256 sha512',
    'digest encoded encoding prefix timestamp no none open public internal private network networks vpn oauth',
    'hmac-sha1 hmac-sha256 hmac-sha512 sha-1 sha-256 sha-512',
  ]
    .join(' ')
    .split(' '),
);

/** Plumbing words that are a thing after another noun: "refill requests", "access request". */
export const PLUMBING_AFTER_NOUN = new Set(['request', 'requests']);

/** A lab's sample is a thing; a "sample payload" is plumbing (the word after tells them apart). */
export const SAMPLE_WORDS = new Set(['sample', 'samples']);

/** Nouns for "events in general": the slug's last word when no action is named. */
export const EVENT_NOUNS = new Set(['event', 'events', 'notification', 'notifications', 'update', 'updates', 'change', 'changes', 'benachrichtigung', 'benachrichtigungen', 'notificacion', 'notificaciones', 'notificacao', 'notificacoes', 'evento', 'eventos', 'evenement', 'evenements', 'ereignis', 'ereignisse']);

/** Auxiliaries before a participle ("is updated", "gets accepted", "é pago"): the thing comes before. */
export const AUXILIARIES = new Set('is are was were be been being get gets got has have had es e fue foi sea seja esta est ist wird wurde sind fica'.split(' '));

/** Articles, determiners and possessive pronouns: they open a noun phrase and name nothing. */
export const DETERMINERS = new Set(
  'a an the our their your its his her my this that these those one some any each every all el la los las un una unos unas o os as um uma le les des une der die das den dem ein eine einen einem il lo gli uno su sus seu sua nos nosso nossa notre nuestro nuestra unser unsere'.split(' '),
);

/**
 * Prepositions that hang a side phrase on a noun ("results for a patient in the ICU"): the event's
 * subject is the noun before them, not the one after.
 */
export const SIDE_PREPOSITIONS = new Set('for in at on from with between within inside across of by de del della da do du des dans no na em en im von bei per'.split(' '));

/** Nouns that name an attribute of their owner: "the status of a referral" is the referral status. */
export const ATTRIBUTE_NOUNS = new Set(['status', 'state', 'stage', 'details', 'info', 'information', 'data', 'level', 'priority', 'owner', 'address', 'name', 'amount', 'total', 'estado', 'statut', 'estatus']);

/** People who act on a thing: "a customer disputes a charge" is about the charge, not the customer. */
export const AGENTS = new Set(
  'someone somebody anyone everyone user users customer customers patient patients client clients driver drivers member members participant participants people person admin admins staff nurse nurses doctor doctors clinician clinicians they it we you i he she employee employees'.split(' '),
);

/**
 * What happened, as the slug says it (past participle), from the forms people write. Only words
 * that are rarely anything but the action are listed: "order" or "sign" would misfire (sign-words
 * are read in context by event-name.ts).
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
action('fulfilled', 'fulfil fulfils fulfill fulfills fulfilling');
action('delivered', 'deliver delivers delivering');
action('submitted', 'submit submits submitting');
action('approved', 'approve approves approving');
action('rejected', 'reject rejects rejecting declined declines');
action('denied', 'deny denies denying');
action('accepted', 'accept accepts accepting');
action('scheduled', 'schedule schedules scheduling');
action('rescheduled', 'reschedule reschedules');
action('booked', 'book books booking');
action('admitted', 'admit admits admitting');
action('discharged', 'discharge discharges discharging');
action('transferred', 'transfer transfers transferring');
action('received', 'arrive arrives arrived arriving comes');
action('opened', 'open opens opening');
action('reopened', 'reopen reopens');
action('closed', 'close closes closing');
action('merged', 'merge merges merging');
action('pushed', 'push pushes pushing');
action('assigned', 'assign assigns assigning');
action('uploaded', 'upload uploads uploading');
action('subscribed', 'subscribe subscribes');
action('renewed', 'renew renews renewing');
action('expired', 'expire expires expiring');
action('started', 'start starts starting');
action('ended', 'end ends ending');
action('published', 'publish publishes publishing');
action('confirmed', 'confirm confirms confirming');
action('resolved', 'resolve resolves resolving');
action('escalated', 'escalate escalates escalating');
action('registered', 'registers registering');
action('signed-up', 'signup signups');
action('disputed', 'dispute disputes disputing');
action('joined', 'join joins joining');
action('left', 'leave leaves leaving');
action('followed', 'follow follows');
action('replied', 'reply replies replying');
action('mentioned', 'mention mentions');
action('finalized', 'finalize finalizes finalizing finalise finalises finalised');
action('filled', 'fill fills');
action('dispensed', 'dispense dispenses dispensing');
action('administered', 'administer administers');
action('converted', 'convert converts converting');
action('onboarded', 'onboard onboards onboarding');
action('dispatched', 'dispatch dispatches dispatching');
action('verified', 'verify verifies verifying');
action('revoked', 'revoke revokes revoking');
action('adjudicated', 'adjudicate adjudicates');
action('placed', 'place places placing');
action('processed', 'processes processing');
action('bounced', 'bounce bounces');
action('installed', 'install installs');
action('uninstalled', 'uninstall uninstalls');
action('archived', 'archive archives archiving');
action('invited', 'invite invites inviting');
action('activated', 'activate activates');
action('deactivated', 'deactivate deactivates');
action('suspended', 'suspend suspends');
action('enrolled', 'enroll enrolls enrols');
// Participles only: their other forms are nouns or the request itself ("add a webhook").
for (const participle of ['added', 'requested', 'restored', 'collected', 'won', 'lost', 'abandoned', 'flagged']) ACTIONS[participle] = participle;
action('starred', 'stars');
// Spanish, Portuguese, French, German, Italian: the commonest "was updated / created" forms.
action('updated', 'actualiza actualizado actualizada atualiza atualizado atualizada modifie aktualisiert geandert aggiornamento aggiornato aggiornata');
action('created', 'creado creada criado criada cree creee crees creees erstellt angelegt crea crean');
action('deleted', 'eliminado eliminada excluido supprime supprimee geloscht');
action('cancelled', 'cancela cancelan cancelado cancelada annule annulee abgesagt storniert annullato annullata');
action('received', 'eingeht eingegangen recibido recibida recebido recebida recu');
action('confirmed', 'confirma confirmado confirmada');
action('paid', 'pagado pagada');
// Adjectives that end an event name as they are ("lab result ready", "exame pronto").
const STATES = ['ready', 'available', 'overdue', 'due', 'late', 'missed', 'final', 'pronto', 'pronta', 'listo', 'lista', 'disponible', 'disponibles', 'disponivel', 'pret', 'prete', 'fertig'];
for (const state of STATES) ACTIONS[state] = state;
/** "pago" is paid only after an auxiliary ("é pago"); after an article it is a payment ("un pago"). */
export const PARTICIPLES_AFTER_AUXILIARY: Record<string, string> = { pago: 'paid', paga: 'paid', pagos: 'paid' };

/** The slug's word for what happened, when `word` names an action. */
export function actionOf(word: string): string | undefined {
  return Object.hasOwn(ACTIONS, word) ? ACTIONS[word] : undefined;
}

/** True when the word is already what the slug says ("paid", "ready"): a participle or a state. */
export function isParticipleForm(word: string): boolean {
  return actionOf(word) === word;
}

/** Short upper-case words kept upper case in a name ("EHR chart updated"). */
export function isAcronym(word: Word): boolean {
  return word.original.length >= 2 && word.original.length <= 5 && word.original === word.original.toUpperCase() && /[A-Z]/.test(word.original);
}
