// htm bound to preact's h: the pages' templates, with no build step.
import { h } from 'preact';
import htm from 'htm';

export const html = htm.bind(h);
