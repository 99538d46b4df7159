/** Cadence's mark: a rounded square with three rising bars (recurring billing cycles). */
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';

export function CadenceMark({ size = 28 }: { size?: number }) {
  return (
    <Box component="svg" viewBox="0 0 32 32" sx={{ width: size, height: size, flex: 'none' }} aria-hidden>
      <defs>
        <linearGradient id="cadence-g" x1="0" y1="0" x2="1" y2="1">
          <stop offset="0" stopColor="#4f7df3" />
          <stop offset="1" stopColor="#2f5bd3" />
        </linearGradient>
      </defs>
      <rect width="32" height="32" rx="8" fill="url(#cadence-g)" />
      <rect x="8" y="16" width="4" height="9" rx="2" fill="#fff" opacity="0.7" />
      <rect x="14" y="11" width="4" height="14" rx="2" fill="#fff" opacity="0.85" />
      <rect x="20" y="7" width="4" height="18" rx="2" fill="#fff" />
    </Box>
  );
}

export function Brand() {
  return (
    <Box sx={{ display: 'flex', alignItems: 'center', gap: 1.25 }}>
      <CadenceMark />
      <Box>
        <Typography sx={{ color: '#fff', fontWeight: 700, fontSize: '1.05rem', lineHeight: 1.1, letterSpacing: '-0.01em' }}>Cadence</Typography>
        <Typography sx={{ color: '#94a3b8', fontSize: '0.7rem', lineHeight: 1.2 }}>Subscription billing</Typography>
      </Box>
    </Box>
  );
}
