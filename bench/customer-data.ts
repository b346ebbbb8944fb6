// The generated customer data set of the benchmarks: German and international people and
// companies with realistic, skewed name and city frequencies (Müller and Berlin are common, Öztürk
// and Kiel less so), seeded so every run and every dialect searches the same million customers.
import { DEFAULT_PLAIN, EMPTY_PERSONAL, type CustomerRecord } from '../src/core/customers/customers.record';
import { uuidv7 } from '../src/core/deps';
import { prng } from '../src/shared/prng';

export { prng };

// Ordered roughly by frequency; picks are skewed towards the front (see `skewed`).
// prettier-ignore
const SURNAMES = [
  'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann',
  'Schäfer', 'Koch', 'Bauer', 'Richter', 'Klein', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Zimmermann',
  'Braun', 'Krüger', 'Hofmann', 'Hartmann', 'Lange', 'Schmitt', 'Werner', 'Schmitz', 'Krause', 'Meier',
  'Lehmann', 'Schmid', 'Schulze', 'Maier', 'Köhler', 'Herrmann', 'König', 'Walter', 'Mayer', 'Huber',
  'Kaiser', 'Fuchs', 'Peters', 'Lang', 'Scholz', 'Möller', 'Weiß', 'Jung', 'Hahn', 'Schubert',
  'Vogel', 'Friedrich', 'Keller', 'Günther', 'Frank', 'Berger', 'Winkler', 'Roth', 'Beck', 'Lorenz',
  'Baumann', 'Franke', 'Albrecht', 'Schuster', 'Simon', 'Ludwig', 'Böhm', 'Winter', 'Kraus', 'Martin',
  'Schumacher', 'Krämer', 'Vogt', 'Stein', 'Jäger', 'Otto', 'Sommer', 'Groß', 'Seidel', 'Heinrich',
  'Yılmaz', 'Kaya', 'Öztürk', 'Demir', 'Şahin', 'Nowak', 'Kowalski', 'Wiśniewski', 'Rossi', 'Russo',
  'Ferrari', 'García', 'Fernández', 'Martínez', 'Dubois', 'Lefèvre', 'Smith', 'Jones', "O'Brien", 'Murphy',
  'Novák', 'Horváth', 'Papadopoulos', 'Ivanov', 'Jansen', 'de Vries', 'Nguyen', 'Kim', 'Lovelace', 'Hopper',
];
// prettier-ignore
const FIRST_NAMES = [
  'Anna', 'Maria', 'Ursula', 'Monika', 'Petra', 'Elisabeth', 'Sabine', 'Renate', 'Helga', 'Karin',
  'Brigitte', 'Ingrid', 'Claudia', 'Andrea', 'Julia', 'Sophie', 'Marie', 'Lena', 'Laura', 'Lea',
  'Peter', 'Michael', 'Thomas', 'Andreas', 'Wolfgang', 'Klaus', 'Jürgen', 'Stefan', 'Günter', 'Hans',
  'Uwe', 'Frank', 'Christian', 'Markus', 'Lukas', 'Leon', 'Paul', 'Jonas', 'Felix', 'Noah',
  'Mehmet', 'Ayşe', 'Fatma', 'Emre', 'Piotr', 'Agnieszka', 'Giulia', 'Marco', 'José', 'Lucía',
  'Zoë', 'Chloé', 'François', 'Ole', 'Søren', 'Björn', 'Grace', 'Ada', 'James', 'Siobhán',
];
// prettier-ignore
const COMPANY_WORDS = [
  'Bau', 'Logistik', 'Elektro', 'Handel', 'Consulting', 'Metallbau', 'Holz', 'Software', 'Reisen', 'Druck',
  'Immobilien', 'Gartenbau', 'Sanitär', 'Transporte', 'Maschinenbau', 'Feinkost', 'Optik', 'Design', 'Medien', 'Technik',
];
// prettier-ignore
const LEGAL_FORMS = ['GmbH', 'GmbH & Co. KG', 'KG', 'AG', 'OHG', 'e.K.', 'UG (haftungsbeschränkt)', 'Ltd', 'SARL', 'S.p.A.'];
/** City, country, postal code digits, dialling prefix. */
// prettier-ignore
const CITIES: readonly (readonly [string, string, number, string])[] = [
  ['Berlin', 'DE', 5, '+4930'], ['Hamburg', 'DE', 5, '+4940'], ['München', 'DE', 5, '+4989'],
  ['Köln', 'DE', 5, '+49221'], ['Frankfurt am Main', 'DE', 5, '+4969'], ['Stuttgart', 'DE', 5, '+49711'],
  ['Düsseldorf', 'DE', 5, '+49211'], ['Leipzig', 'DE', 5, '+49341'], ['Dortmund', 'DE', 5, '+49231'],
  ['Essen', 'DE', 5, '+49201'], ['Bremen', 'DE', 5, '+49421'], ['Dresden', 'DE', 5, '+49351'],
  ['Hannover', 'DE', 5, '+49511'], ['Nürnberg', 'DE', 5, '+49911'], ['Duisburg', 'DE', 5, '+49203'],
  ['Bochum', 'DE', 5, '+49234'], ['Wuppertal', 'DE', 5, '+49202'], ['Bielefeld', 'DE', 5, '+49521'],
  ['Bonn', 'DE', 5, '+49228'], ['Münster', 'DE', 5, '+49251'], ['Mannheim', 'DE', 5, '+49621'],
  ['Karlsruhe', 'DE', 5, '+49721'], ['Augsburg', 'DE', 5, '+49821'], ['Wiesbaden', 'DE', 5, '+49611'],
  ['Mönchengladbach', 'DE', 5, '+492161'], ['Gelsenkirchen', 'DE', 5, '+49209'], ['Aachen', 'DE', 5, '+49241'],
  ['Braunschweig', 'DE', 5, '+49531'], ['Kiel', 'DE', 5, '+49431'], ['Chemnitz', 'DE', 5, '+49371'],
  ['Halle (Saale)', 'DE', 5, '+49345'], ['Magdeburg', 'DE', 5, '+49391'], ['Freiburg im Breisgau', 'DE', 5, '+49761'],
  ['Krefeld', 'DE', 5, '+492151'], ['Mainz', 'DE', 5, '+496131'], ['Lübeck', 'DE', 5, '+49451'],
  ['Erfurt', 'DE', 5, '+49361'], ['Oberhausen', 'DE', 5, '+49208'], ['Rostock', 'DE', 5, '+49381'],
  ['Kassel', 'DE', 5, '+49561'], ['Saarbrücken', 'DE', 5, '+49681'], ['Potsdam', 'DE', 5, '+49331'],
  ['Garmisch-Partenkirchen', 'DE', 5, '+498821'], ['Bad Tölz', 'DE', 5, '+498041'], ['Weißenfels', 'DE', 5, '+493443'],
  ['Wien', 'AT', 4, '+431'], ['Graz', 'AT', 4, '+43316'], ['Salzburg', 'AT', 4, '+43662'],
  ['Zürich', 'CH', 4, '+4144'], ['Basel', 'CH', 4, '+4161'], ['Genève', 'CH', 4, '+4122'],
  ['Paris', 'FR', 5, '+331'], ['Lyon', 'FR', 5, '+334'], ['Amsterdam', 'NL', 4, '+3120'],
  ['Rotterdam', 'NL', 4, '+3110'], ['København', 'DK', 4, '+45'], ['Warszawa', 'PL', 5, '+4822'],
  ['Kraków', 'PL', 5, '+4812'], ['Praha', 'CZ', 5, '+4222'], ['Milano', 'IT', 5, '+3902'],
  ['Roma', 'IT', 5, '+3906'], ['Madrid', 'ES', 5, '+3491'], ['İstanbul', 'TR', 5, '+90212'],
  ['London', 'GB', 0, '+4420'], ['Dublin', 'IE', 0, '+3531'],
];
// prettier-ignore
const STREETS = [
  'Hauptstraße', 'Schulstraße', 'Gartenstraße', 'Bahnhofstraße', 'Dorfstraße', 'Bergstraße', 'Birkenweg', 'Lindenstraße',
  'Kirchstraße', 'Waldstraße', 'Ringstraße', 'Schillerstraße', 'Goethestraße', 'Mühlenweg', 'Am Markt', 'Rue de la Paix',
  'High Street', 'Via Roma', 'ul. Długa', 'Kurfürstendamm',
];
// prettier-ignore
const TAGS = [
  'Stammkunde', 'Neukunde', 'Großkunde', 'Messe 2026', 'Newsletter', 'B2B', 'B2C', 'Export', 'Rahmenvertrag', 'VIP',
  'Händler', 'Partner', 'Zahlungsverzug', 'Skonto', 'Ausschreibung', 'Empfehlung', 'Online-Shop', 'Behörde', 'Verein', 'Start-up',
];
const MAIL_DOMAINS = [
  'gmail.com',
  'web.de',
  'gmx.de',
  't-online.de',
  'outlook.com',
  'posteo.de',
  'icloud.com',
  'yahoo.de',
];
const STATUSES = ['active', 'active', 'active', 'active', 'inactive', 'lead', 'prospect', 'archived'] as const;

/** Customer numbers of the data set: `K-` and seven digits. */
export const NUMBER_WIDTH = 7;
export const numberOf = (i: number) => `K-${String(i + 1).padStart(NUMBER_WIDTH, '0')}`;

const ascii = (text: string) =>
  text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/ß/g, 'ss')
    .replace(/ı/g, 'i')
    .replace(/[^A-Za-z0-9]+/g, '')
    .toLowerCase();

/** The random part of customer i's id: its index (unique) and six seeded bytes. */
function idBytes(i: number, random: () => number): Buffer {
  const bytes = Buffer.alloc(10);
  bytes.writeUInt32BE(i, 0);
  for (let b = 4; b < 10; b++) bytes[b] = Math.floor(random() * 256);
  return bytes;
}

export interface CustomerGenerator {
  /** Customer `i` (0-based) of the data set; the same record for the same seed and index. */
  (i: number): CustomerRecord;
}

/**
 * Customer `i` of the seeded data set. Each customer draws from its own generator seeded with
 * (seed, i), so any customer can be made without the ones before it (the query mix names some).
 */
export function customerGenerator(seed = 42, createdFrom = Date.UTC(2015, 0, 1)): CustomerGenerator {
  return (i) => {
    const random = prng((seed * 2_654_435_761) ^ (i * 40_503) ^ i);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    // Frequent names and places first: the square of a uniform number favours low indexes.
    const skewed = <T>(list: readonly T[]): T => list[Math.floor(random() * random() * list.length)] as T;
    const person = random() < 0.6;
    const firstName = person ? pick(FIRST_NAMES) : null;
    const lastName = person ? skewed(SURNAMES) : null;
    const [city, country, postalDigits, dial] = skewed(CITIES);
    const companyBase = `${skewed(SURNAMES)}${random() < 0.5 ? ` ${pick(COMPANY_WORDS)}` : ''}`;
    const name = person ? `${firstName} ${lastName}` : `${companyBase} ${pick(LEGAL_FORMS)}`;
    const email = person
      ? `${ascii(firstName ?? '')}.${ascii(lastName ?? '')}${random() < 0.5 ? Math.floor(random() * 100) : ''}@${pick(MAIL_DOMAINS)}`
      : `${pick(['info', 'kontakt', 'buchhaltung', 'office'])}@${ascii(companyBase)}${i % 997}.${country === 'DE' ? 'de' : country.toLowerCase()}`;
    const postalCode =
      postalDigits > 0 ? String(Math.floor(random() * 10 ** postalDigits)).padStart(postalDigits, '0') : 'SW1A 1AA';
    const at = new Date(createdFrom + Math.floor(random() * 11 * 365 * 86_400_000)).toISOString();
    const tags = Array.from(new Set(Array.from({ length: Math.floor(random() * 3) }, () => skewed(TAGS))));
    const address = { street: `${pick(STREETS)} ${1 + Math.floor(random() * 180)}`, postalCode, city, country };
    // Object.assign, not spreads: V8 (Node 20) spreads two objects of this size ten times slower.
    return Object.assign({}, DEFAULT_PLAIN, EMPTY_PERSONAL, {
      id: uuidv7(Date.parse(at), idBytes(i, random)),
      number: numberOf(i),
      kind: person ? 'person' : 'company',
      status: pick(STATUSES),
      name,
      firstName,
      lastName,
      email,
      phone: `${dial}${String(Math.floor(random() * 1e7)).padStart(7, '0')}`,
      billingAddress: address,
      city,
      country,
      tags,
      version: 1,
      createdAt: at,
      updatedAt: at,
      erasedAt: null,
    } satisfies Partial<CustomerRecord>);
  };
}

/**
 * The committed query mix of the search benchmark: what office staff type. Selective terms
 * (a person, a rare name with a city, an email), customer numbers (as printed and as digits),
 * broad prefixes of common surnames and cities that match hundreds of thousands of customers,
 * words in any order, and queries that find nothing.
 */
export const SEARCH_MIX: readonly string[] = [
  // selective
  'Lovelace Ada',
  'öztürk ayşe',
  "O'Brien Siobhán",
  'Nowak Kraków',
  'papadopoulos',
  'de vries amsterdam',
  'Feinkost Saarbrücken',
  'Zahlungsverzug Wien',
  // customer numbers
  'K-0012345',
  'K-0999999',
  '0500000',
  '777777',
  // emails and phones
  'ada.lovelace@posteo.de',
  'buchhaltung@',
  'info@muellerbau',
  '+49 30 1234567',
  // broad prefixes of common surnames and cities
  'm',
  'mü',
  'müll',
  'Mueller',
  'schm',
  'sch',
  'berl',
  'ham',
  'mün',
  'k',
  // several words, any order
  'Müller Berlin',
  'anna schmidt',
  '  schmidt   anna ',
  'Bau GmbH',
  'Stammkunde Hamburg',
  'peter m',
  // nothing
  'zzqx',
  'Müller Tokyo',
];
