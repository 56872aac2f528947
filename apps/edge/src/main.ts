import { runService } from '@tp/http';
import { edgeService } from './service';

void runService(edgeService);
