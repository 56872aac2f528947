import { startFeatureFlags } from '@tp/feature-flags';
import { runService } from '@tp/http';
import { billingService } from './service';

void runService(billingService({ flags: startFeatureFlags }));
