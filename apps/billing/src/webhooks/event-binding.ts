import type { BillingStore } from './billing-store';

/** An event that named another account than the one its customer or subscription is bound to. */
export interface BindingConflict {
  bound: 'customer' | 'subscription';
  /** The Paddle customer or subscription id. */
  id: string;
  boundUserId: string;
  claimedUserId: string;
}

export interface Binding {
  /** The account the event belongs to, when known. */
  userId: string | null;
  /** The event binds its still unbound customer to `userId`. */
  bindsCustomer: boolean;
  conflict: BindingConflict | null;
}

export interface BindingClaim {
  customerId: string | null;
  subscriptionId: string | null;
  /** custom_data.userId of an event that may bind (a paid transaction, a subscription event); null otherwise. */
  claimedUserId: string | null;
}

/**
 * Binding by money: only an event that may bind names an account for an unbound customer or
 * subscription, and the first binding stays. An event naming another account than the bound one
 * is a conflict: it changes nothing. Events without a claim follow the subscription's account,
 * then the customer's. Holds the customer's lock for the rest of the transaction.
 */
export async function resolveBinding(store: BillingStore, claim: BindingClaim): Promise<Binding> {
  const { customerId, subscriptionId, claimedUserId } = claim;
  // Stryker disable next-line ConditionalExpression: `true` would lock the key of no customer (null), which no other event asks for
  if (customerId) await store.lockCustomer(customerId);
  const customerUser = customerId ? ((await store.userForCustomer(customerId)) ?? null) : null;
  const subscriptionUser = subscriptionId ? ((await store.userForSubscription(subscriptionId)) ?? null) : null;
  if (claimedUserId && subscriptionId && subscriptionUser && subscriptionUser !== claimedUserId) {
    return refused({ bound: 'subscription', id: subscriptionId, boundUserId: subscriptionUser, claimedUserId });
  }
  if (claimedUserId && customerId && customerUser && customerUser !== claimedUserId) {
    return refused({ bound: 'customer', id: customerId, boundUserId: customerUser, claimedUserId });
  }
  return {
    userId: claimedUserId ?? subscriptionUser ?? customerUser,
    bindsCustomer: Boolean(claimedUserId && customerId && !customerUser),
    conflict: null,
  };
}

function refused(conflict: BindingConflict): Binding {
  return { userId: conflict.boundUserId, bindsCustomer: false, conflict };
}
