// The widget's words, in English and Arabic. Arabic renders right-to-left.
export type Locale = 'en' | 'ar';

const en = {
  title: 'Chat with us',
  reply_in_a_few_minutes: 'We typically reply in a few minutes',
  reply_in_a_few_hours: 'We typically reply in a few hours',
  reply_in_a_day: 'We typically reply within a day',
  online: 'We are online',
  close: 'Close chat',
  open: 'Open chat',
  placeholder: 'Type your message…',
  send: 'Send',
  messages: 'Messages',
  typing: 'Agent is typing…',
  offline: 'We are away right now. Leave your email and we will get back to you.',
  email: 'Email',
  name: 'Name',
  phone: 'Phone',
  save: 'Save',
  saved: 'Thanks! We will reply to {email}.',
  prechat: 'Tell us a little about you to start.',
  start: 'Start chat',
  required: 'This field is required.',
  invalidEmail: 'Enter a valid email address.',
  consentRequired: 'Please accept to continue.',
  failed: 'Not sent. Tap to retry.',
  sending: 'Sending…',
  connecting: 'Connecting…',
  unavailable: 'Chat is unavailable right now.',
  you: 'You',
  agent: 'Support',
  attach: 'Attach a file',
  fileTooLarge: 'This file is too large. You can send files up to {size}.',
  fileType: 'This type of file cannot be sent here.',
  filesOff: 'Files cannot be sent in this chat.',
  fileEmpty: 'This file is empty.',
  download: 'Download {name}',
  image: 'Image',
  bytes: 'B',
  kb: 'KB',
  mb: 'MB',
};

export type Strings = typeof en;

const ar: Strings = {
  title: 'تحدث معنا',
  reply_in_a_few_minutes: 'نرد عادةً خلال دقائق',
  reply_in_a_few_hours: 'نرد عادةً خلال ساعات',
  reply_in_a_day: 'نرد عادةً خلال يوم',
  online: 'نحن متصلون الآن',
  close: 'إغلاق المحادثة',
  open: 'فتح المحادثة',
  placeholder: 'اكتب رسالتك…',
  send: 'إرسال',
  messages: 'الرسائل',
  typing: 'الموظف يكتب…',
  offline: 'لسنا متاحين الآن. اترك بريدك الإلكتروني وسنعود إليك.',
  email: 'البريد الإلكتروني',
  name: 'الاسم',
  phone: 'الهاتف',
  save: 'حفظ',
  saved: 'شكرًا! سنرد عليك على {email}.',
  prechat: 'أخبرنا قليلًا عنك لنبدأ.',
  start: 'ابدأ المحادثة',
  required: 'هذا الحقل مطلوب.',
  invalidEmail: 'أدخل بريدًا إلكترونيًا صحيحًا.',
  consentRequired: 'يرجى الموافقة للمتابعة.',
  failed: 'لم تُرسل. اضغط لإعادة المحاولة.',
  sending: 'جارٍ الإرسال…',
  connecting: 'جارٍ الاتصال…',
  unavailable: 'المحادثة غير متاحة الآن.',
  you: 'أنت',
  agent: 'الدعم',
  attach: 'إرفاق ملف',
  fileTooLarge: 'الملف كبير جدًا. يمكنك إرسال ملفات حتى {size}.',
  fileType: 'لا يمكن إرسال هذا النوع من الملفات هنا.',
  filesOff: 'لا يمكن إرسال الملفات في هذه المحادثة.',
  fileEmpty: 'الملف فارغ.',
  download: 'تنزيل {name}',
  image: 'صورة',
  bytes: 'بايت',
  kb: 'ك.ب',
  mb: 'م.ب',
};

export function stringsFor(locale: Locale): Strings {
  return locale === 'ar' ? ar : en;
}

// "1.5 MB" / "1.5 م.ب", with Latin digits in both languages (as the rest of the widget).
export function formatBytes(bytes: number, locale: Locale): string {
  const t = stringsFor(locale);
  const n = new Intl.NumberFormat(locale === 'ar' ? 'ar-u-nu-latn' : 'en', { maximumFractionDigits: 1 });
  if (bytes < 1024) return `${n.format(bytes)} ${t.bytes}`;
  if (bytes < 1024 * 1024) return `${n.format(bytes / 1024)} ${t.kb}`;
  return `${n.format(bytes / (1024 * 1024))} ${t.mb}`;
}

export function normalizeLocale(value: string | null | undefined): Locale | null {
  if (!value) return null;
  const v = value.toLowerCase();
  if (v === 'ar' || v.startsWith('ar-')) return 'ar';
  if (v === 'en' || v.startsWith('en-')) return 'en';
  return null;
}
