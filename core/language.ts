// Its own module so a gateway can read a profile's language without loading core/profile.ts's
// YAML and time-zone libraries (see core/media-policy.ts).

/** The languages a business can run in (profile `language`): what wr writes on its behalf is in it. */
export const LANGUAGES = ['en', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];
