// Who writes to the demo mailbox: people and senders on example domains only
// (RFC 2606), so no sample can ever reach a real address.

import { address } from './mime.ts';

/** From/To values of the sample correspondents. */
export const PEOPLE = {
  demo: address('Demo User', 'demo@example.org'),
  alice: address('Alice Martin', 'alice.martin@example.com'),
  bob: address('Bob Okafor', 'bob@example.net'),
  carol: address('Carol Nguyen', 'carol.nguyen@example.com'),
  dave: address('Dave Fischer', 'dave@example.org'),
  elena: address('Elena Rossi', 'elena.rossi@example.net'),
  liMing: address('李明', 'li.ming@example.com'),
  chenJing: address('陈静', 'chen.jing@example.net'),
  weekly: address('Example Weekly', 'newsletter@news.example.net'),
  shop: address('Example Shop', 'orders@shop.example.com'),
  billing: address('Example Cloud Billing', 'billing@cloud.example.com'),
  security: address('Example Cloud Security', 'no-reply@cloud.example.com'),
  git: address('Example Git', 'notifications@git.example.org'),
  library: address('City Library', 'loans@library.example.org'),
  calendar: address('Example Calendar', 'calendar@example.org'),
  welcome: address('Webmail Demo', 'welcome@example.org'),
} as const;
