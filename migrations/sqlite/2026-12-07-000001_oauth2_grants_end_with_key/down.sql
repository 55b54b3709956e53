-- Ended grants cannot be restored.
SELECT 1;
