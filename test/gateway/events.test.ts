// events checks on Node, through app.request() (no port for the gateway; the fake agents listen on loopback).
import { eventChecks } from './checks/events.js';

eventChecks();
