// Mail texts, German and English in one message: the recipient reads whichever is theirs.
export interface MailContent {
  readonly subject: string;
  readonly text: string;
  /** How long the message is worth sending (the code in it expires); its body is deleted then. */
  readonly validForMs: number;
}

const footer = '\n\n-- \nKontor';

export function verificationMail(name: string, code: string, hours: number): MailContent {
  return {
    subject: 'Kontor: E-Mail-Adresse bestätigen / Confirm your email address',
    text:
      `Hallo ${name},\n\nIhr Bestätigungscode lautet: ${code}\nGeben Sie ihn in Kontor unter „Mein Konto“ ein. Er gilt ${hours} Stunden.\n\n` +
      `Hello ${name},\n\nyour confirmation code is: ${code}\nEnter it in Kontor under "My account". It is valid for ${hours} hours.` +
      footer,
    validForMs: hours * 3_600_000,
  };
}

export function resetMail(name: string, code: string, minutes: number): MailContent {
  return {
    subject: 'Kontor: Passwort zurücksetzen / Reset your password',
    text:
      `Hallo ${name},\n\nmit diesem Code setzen Sie Ihr Kontor-Passwort zurück: ${code}\nEr gilt ${minutes} Minuten. ` +
      `Wenn Sie das nicht angefordert haben, ignorieren Sie diese Nachricht.\n\n` +
      `Hello ${name},\n\nuse this code to reset your Kontor password: ${code}\nIt is valid for ${minutes} minutes. ` +
      `If you did not ask for it, ignore this message.` +
      footer,
    validForMs: minutes * 60_000,
  };
}

export function testMail(): MailContent {
  return {
    subject: 'Kontor: Testnachricht / Test message',
    text:
      'Diese Nachricht zeigt, dass Kontor E-Mails versenden kann.\n\nThis message shows that Kontor can send email.' +
      footer,
    validForMs: 3_600_000,
  };
}
