import { IntentClassifier } from '../../brain/receptionist/classifier.js';

/**
 * Reads or trains the classifier's shared model once, before the test files start: trained by
 * every test process at once on a cold cache, it would take each of them many seconds.
 */
export default async function setup(): Promise<void> {
  await IntentClassifier.prepare();
}
