import { boundedLabel } from './billing-notices';

describe('boundedLabel (price_id of billing_unmapped_prices_total)', () => {
  it('keeps the first distinct price ids and counts every later one as other', () => {
    const label = boundedLabel(2);
    expect(['pri_01a', 'pri_01b', 'pri_01c', 'pri_01a'].map(label)).toEqual(['pri_01a', 'pri_01b', 'other', 'pri_01a']);
  });

  it('never uses a malformed id as a label value', () => {
    const label = boundedLabel(10);
    expect(['pro_01product', 'PRI_01X', 'pri_01{evil}', `pri_${'a'.repeat(65)}`].map(label)).toEqual(['other', 'other', 'other', 'other']);
  });
});
