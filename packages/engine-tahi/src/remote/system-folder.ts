// The lab's TAHI `System` folder: one `<call>.rmt` per remote call, all the same small Perl client (Perl is
// on every TAHI tester: v6eval is Perl). A client connects to the port the lab forwards onto the tester,
// proves it was written by this run (a token), sends its call, prints the lab's log and exits with the
// lab's code. Calls the lab does not perform have no script: TAHI then reports "Not yet supported".
import { REMOTE_CALLS } from './remote-calls.js';

export interface SystemFolderFile {
  name: string;
  content: string;
  mode: number;
}

/** Name of the System the lab's nut.def names; the folder goes to `<v6eval>/bin/testlab/`. */
export const LAB_SYSTEM = 'testlab';

const CLIENT = String.raw`#!/usr/bin/perl
# testlab remote-control client for TAHI: performs this call on the NUT through the lab that controls it.
# Written by testlab; every .rmt in this folder is this file. Exit 0 done, 2 not supported, 32 failed.
use strict;
use warnings;
use IO::Socket::INET;
use File::Basename qw(basename dirname);

my $call = basename($0);
$call =~ s/\.rmt$//;
my $conf = dirname($0) . '/lab-remote.conf';
open(my $fh, '<', $conf) or do { print "testlab: cannot read $conf: $!\n"; exit 32; };
my %c = map { chomp; split(/=/, $_, 2) } grep { /^[a-z]+=/ } <$fh>;
close($fh);
my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $c{port}, Proto => 'tcp', Timeout => 30);
if (!$s) { print "testlab: the lab is not listening on port $c{port}: $!\n"; exit 32; }
# One line: token, call, then the arguments TAHI gave, tab-separated (arguments never hold tabs or newlines).
for my $a (@ARGV) { if ($a =~ /[\t\n\r]/) { print "testlab: argument with a tab or newline refused\n"; exit 32; } }
print $s join("\t", $c{token}, $call, @ARGV) . "\n";
my $code = 32;
while (my $line = <$s>) {
  chomp $line;
  if ($line =~ /^exit (\d+)$/) { $code = $1; last; }
  print "$line\n";
}
close($s);
exit $code;
`;

export function systemFolderFiles(connection: { port: number; token: string }): SystemFolderFile[] {
  if (!Number.isInteger(connection.port) || connection.port < 1 || connection.port > 65535) throw new Error(`port ${connection.port} is not a TCP port`);
  if (!/^[0-9a-f]{32,128}$/.test(connection.token)) throw new Error('the token must be lower-case hex');
  return [
    ...REMOTE_CALLS.map((call) => ({ name: `${call}.rmt`, content: CLIENT, mode: 0o755 })),
    { name: 'lab-remote.conf', content: `port=${connection.port}\ntoken=${connection.token}\n`, mode: 0o600 },
  ];
}
