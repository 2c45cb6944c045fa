import { netstat } from './fixtures/cli-format-tables.js';
import { parseListeningPorts } from './listening-ports.js';

describe('parseListeningPorts', () => {
  const rows = parseListeningPorts(netstat);

  it('reads every socket line of netstat -lntup and skips the two header lines', () => {
    expect(rows).toHaveLength(21);
    expect(rows.map((row) => row.Port)).toEqual(
      expect.arrayContaining(['5672', '15672', '35357', '5000', '9292', '9191', '6080', '8774', '9696']),
    );
  });

  it('splits address, port, pid and program of a tcp socket', () => {
    expect(rows.find((row) => row.Port === '3306')).toEqual({
      Proto: 'tcp',
      'Local Address': '192.168.56.11:3306',
      Address: '192.168.56.11',
      Port: '3306',
      'Foreign Address': '0.0.0.0:*',
      State: 'LISTEN',
      PID: '1702',
      Program: 'mysqld',
    });
  });

  it('splits an IPv6 wildcard address', () => {
    expect(rows.find((row) => row.Port === '5672')).toMatchObject({ Proto: 'tcp6', Address: '::', Program: 'beam.smp' });
  });

  it('leaves State empty for udp sockets', () => {
    expect(rows.find((row) => row.Port === '123')).toMatchObject({ Proto: 'udp', State: '', PID: '712', Program: 'chronyd' });
  });

  it('keeps a program name containing spaces and a hidden process', () => {
    const text = [
      'Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name',
      'tcp        0      0 0.0.0.0:80              0.0.0.0:*               LISTEN      901/nginx: master',
      'tcp        0      0 0.0.0.0:111             0.0.0.0:*               LISTEN      -',
    ].join('\n');
    expect(parseListeningPorts(text).map((row) => [row.Port, row.PID, row.Program])).toEqual([
      ['80', '901', 'nginx: master'],
      ['111', '', ''],
    ]);
  });

  it('reads ss -lntup output too', () => {
    const text = [
      'Netid State      Recv-Q Send-Q Local Address:Port               Peer Address:Port',
      'udp   UNCONN     0      0         *:123                   *:*                   users:(("chronyd",pid=712,fd=3))',
      'tcp   LISTEN     0      128       [::]:5672               [::]:*                users:(("beam.smp",pid=1418,fd=52))',
    ].join('\n');
    expect(parseListeningPorts(text)).toEqual([
      expect.objectContaining({ Proto: 'udp', Port: '123', State: '', PID: '712', Program: 'chronyd' }),
      expect.objectContaining({ Proto: 'tcp', Address: '[::]', Port: '5672', State: 'LISTEN', Program: 'beam.smp' }),
    ]);
  });

  it('returns no rows when nothing listens', () => {
    expect(parseListeningPorts('Active Internet connections (only servers)\n')).toEqual([]);
  });
});
