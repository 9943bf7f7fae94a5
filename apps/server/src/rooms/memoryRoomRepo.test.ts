import { describeRoomRepoContract } from '../storage/roomRepo.contract.js';
import { MemoryRoomRepo } from './memoryRoomRepo.js';

describeRoomRepoContract('memory', async () => ({ rooms: new MemoryRoomRepo(), close: async () => {} }));
