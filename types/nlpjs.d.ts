// @nlpjs ships no types; this is the part wr uses.
declare module '@nlpjs/core' {
  export function containerBootstrap(): Promise<{
    use(plugin: unknown): void;
    get(name: 'nlp'): import('@nlpjs/nlp').NlpInstance;
    registerConfiguration(tag: string, settings: Record<string, unknown>, overwrite: boolean): void;
  }>;
}
declare module '@nlpjs/nlp' {
  export interface NlpInstance {
    settings: { autoSave: boolean; log: boolean };
    addLanguage(lang: string): void;
    addDocument(lang: string, utterance: string, intent: string): void;
    train(): Promise<void>;
    /** The trained model as JSON (`minified` drops what training alone needs). */
    export(minified?: boolean): string;
    import(json: string): void;
    process(lang: string, utterance: string): Promise<{ intent: string; score: number; classifications?: { intent: string; score: number }[] }>;
  }
  export const Nlp: unknown;
}
declare module '@nlpjs/lang-en-min' {
  export const LangEn: unknown;
}
declare module '@nlpjs/lang-es' {
  export const LangEs: unknown;
}
